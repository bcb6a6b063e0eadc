using DesertSeg.Lab.Data;
using DesertSeg.Lab.Data.Synthetic;
using DesertSeg.Lab.Evaluation;
using DesertSeg.Lab.Evaluation.Robustness;
using DesertSeg.Lab.Reporting;
using DesertSeg.Lab.Studies;
using DesertSeg.Lab.Training;
using Microsoft.Data.Analysis;

namespace DesertSeg.Lab.Benchmarks;

/// <summary>
/// Issue 31's measurement: every domain-generalisation ingredient (<see cref="LabLines.Generalisation"/>) over several seeds on
/// three protocols (the source data; K=4 environments with the test rock style held out; K=4 with the test palette held
/// out), each scored on the synthetic test desert, plus the source data's lines on the val-C subset of the main job
/// (<see cref="LabRobustness"/>: three corruptions at severity 3 of 16 val images). Prints and writes
/// report/tables/generalisation-*.md: mean ± sd, the difference from source-only with its 95% interval, Rocks IoU, gap
/// closed against the oracle; per protocol, the difference from that protocol's plain line; and where test Rocks pixels
/// go under each line (first seed). Trains what is missing (in the workspace's runs folder; `desertseg train --phase
/// 5-mixstyle --seed 43 --environments 4 --held-out test-palette` trains one of them in another process).
/// </summary>
public sealed class GeneralisationBenchmark : IBenchmark
{
    public string Name => "generalisation";
    public string Description => "Domain generalisation over seeds on three protocols and val-C (-- [SCALE] [SEEDS] [VAL-C IMAGES])";

    public void Run(string[] args)
    {
        string scale = args.Length > 0 ? args[0] : "quick";
        int seeds = args.Length > 1 ? int.Parse(args[1]) : 3;
        int valCImages = args.Length > 2 ? int.Parse(args[2]) : 16;
        var data = FalconDataset.Open(EmbeddedDataset.Ensure());
        var protocols = new (string Name, string Baseline, Func<(string Label, string Phase), string> Line)[]
        {
            ("source data", "Source only", g => g.Label),
            ("K=4, test rock style held out", $"Multi-environment K={LabLines.Environments}, test rock style held out",
                g => $"Multi-environment K={LabLines.Environments} + {g.Label}, test rock style held out"),
            ("K=4, test palette held out", $"Multi-environment K={LabLines.Environments}, test palette held out",
                g => $"Multi-environment K={LabLines.Environments} + {g.Label}, test palette held out"),
        };
        var perSeed = new List<IReadOnlyList<AdaptationResult>>();
        var valC = new List<Dictionary<string, double>>();
        string folder = Path.Combine(Workspace.Root, "report", "tables");
        for (int i = 0; i < seeds; i++)
        {
            int seed = PhaseCatalog.DefaultSeed + i;
            using var study = new Study(data, scale, RunStore.Default, log: Console.Out, seed: seed);
            using var lab = new AdaptationStudy(study);
            var labels = protocols.SelectMany(p => LabLines.Generalisation.Select(p.Line).Prepend(p.Baseline)).Append("Oracle").ToList();
            var results = labels.Select(label =>
            {
                var line = LabLines.ByLabel(label);
                Console.WriteLine($"seed {seed}: {label}");
                var result = line.Produce(lab);
                return label == "Source only" ? result with { Kind = LineKind.Source } : result;
            }).ToList();
            perSeed.Add(results);
            Console.WriteLine(TableExport.ToMarkdown(AdaptationTable.Of(results)));
            if (i == 0) WriteRocksDestinations(results, folder);
            valC.Add(ValC(study, results.Take(1 + LabLines.Generalisation.Count).ToList(), valCImages));
        }

        var all = SeedSummary.Table(SeedSummary.Of(perSeed));
        Save(all, folder, "generalisation", $"Domain generalisation over {seeds} seeds at {scale} scale, test mIoU on the synthetic " +
            "test desert: mean ± sample sd; every difference is from source-only (the source data's Phase 5), with its 95% t interval.");
        foreach (var protocol in protocols.Skip(1))
        {
            // The protocol's plain line as the reference: does the ingredient add anything to diversity?
            var relative = perSeed.Select(results => (IReadOnlyList<AdaptationResult>)results
                .Where(r => r.Method == protocol.Baseline || LabLines.Generalisation.Any(g => protocol.Line(g) == r.Method) || r.Kind == LineKind.Oracle)
                .Select(r => r.Method == protocol.Baseline ? r with { Kind = LineKind.Source } : r with { Kind = r.Kind == LineKind.Source ? LineKind.Generalisation : r.Kind })
                .ToList()).ToList();
            string name = protocol.Name.Contains("rock") ? "generalisation-k4-rock" : "generalisation-k4-palette";
            Save(SeedSummary.Table(SeedSummary.Of(relative)), folder, name,
                $"{protocol.Name}: each ingredient against the plain K={LabLines.Environments} line of the same protocol (its \"source\" row).");
        }
        Save(ValCTable(valC), folder, "generalisation-val-c",
            $"val-C subset ({valCImages} val images, {string.Join(", ", LabRobustness.Corruptions)} at severity {LabRobustness.Severity}): " +
            "mean mIoU over the corruptions, source data's lines, over the seeds.");
    }

    private static void Save(DataFrame table, string folder, string name, string caption)
    {
        Console.WriteLine(caption);
        Console.WriteLine(TableExport.ToMarkdown(table));
        TableExport.SaveCsv(table, Path.Combine(folder, name + ".csv"));
        TableExport.SaveMarkdown(table, Path.Combine(folder, name + ".md"), caption);
    }

    /// <summary>Mean mIoU over the lab's three corruptions of each line's checkpoint (as trained, no adaptation).</summary>
    private static Dictionary<string, double> ValC(Study study, IReadOnlyList<AdaptationResult> lines, int images)
    {
        var split = study.Data[FalconLayout.Val].RequireComplete().Subset(images);
        var corruptions = LabRobustness.Corruptions.Select(Evaluation.Corruptions.Corruptions.ByName).ToList();
        return lines.ToDictionary(l => l.Method, l => RobustnessSuite.Score(l.Checkpoints[0], split, AdaptationAtTest.Source,
            corruptions, [LabRobustness.Severity], device: study.Device).MeanIoU);
    }

    private static DataFrame ValCTable(IReadOnlyList<Dictionary<string, double>> perSeed)
    {
        var methods = perSeed[0].Keys.ToList();
        string source = methods[0];
        var rows = methods.Select(m =>
        {
            var values = perSeed.Select(s => s[m]).ToList();
            var differences = perSeed.Select(s => s[m] - s[source]).ToList();
            var stats = new SeedStatistics(m, m == source ? LineKind.Source : LineKind.Generalisation, values.Count,
                SeedSummary.Mean(values), SeedSummary.Sd(values), 0, 0, null, null, SeedSummary.Mean(differences), SeedSummary.Sd(differences));
            return stats;
        }).ToList();
        return new DataFrame(
            new StringDataFrameColumn("Method", rows.Select(r => r.Method)),
            new StringDataFrameColumn("val-C mIoU", rows.Select(r => $"{r.TestMean:F4} ± {r.TestSd:F4}")),
            new StringDataFrameColumn("vs source", rows.Select(r => r.Kind == LineKind.Source ? ""
                : $"{r.DifferenceMean:+0.0000;-0.0000} ± {r.DifferenceSd:F4}")),
            new StringDataFrameColumn("95% interval", rows.Select(r => r.Kind == LineKind.Source || r.DifferenceInterval is not { } i
                ? "" : $"[{i.Low:+0.000;-0.000}, {i.High:+0.000;-0.000}]")));
    }

    /// <summary>Where the test Rocks pixels go under each line (one row each: share of Rocks pixels per predicted class).</summary>
    private static void WriteRocksDestinations(IReadOnlyList<AdaptationResult> results, string folder)
    {
        var classes = results[0].Test.Scheme.ClassNames;
        var columns = new List<DataFrameColumn> { new StringDataFrameColumn("Line", results.Select(r => r.Method)) };
        for (int c = 0; c < classes.Count; c++)
        {
            string predicted = classes[c];
            columns.Add(new PrimitiveDataFrameColumn<double>(predicted,
                results.Select(r => Math.Round(FailureAnalysis.Share(r.Test, "Rocks", predicted) ?? double.NaN, 3))));
        }
        Save(new DataFrame(columns), folder, "generalisation-rocks", "Where test Rocks pixels go (first seed): share of the Rocks pixels " +
            "predicted as each class.");
    }
}
