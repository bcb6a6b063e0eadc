using DesertSeg.Lab.Data;
using DesertSeg.Lab.Data.Synthetic;
using DesertSeg.Lab.Estimation;
using DesertSeg.Lab.Reporting;
using DesertSeg.Lab.Reporting.Charts;
using DesertSeg.Lab.Studies;
using DesertSeg.Lab.Training;

namespace DesertSeg.Lab.Benchmarks;

/// <summary>
/// Every label-free estimator against truth on every family of labelled shift (test desert, oracle scenes, held-out
/// environments, val-C at every corruption and severity), for the Phase 5 model of each seed; then the three selections of
/// the 5-select-estimate run per seed. Runs live in the workspace's runs folder (seed 42's are reproduce's).
/// </summary>
public sealed class EstimationBenchmark : IBenchmark
{
    public string Name => "estimation";
    public string Description =>
        "Label-free estimators vs truth per shift family, and selection without test labels (-- [SCALE] [SEEDS] [VAL-C IMAGES]; " +
        "default quick 3 16); writes report/tables/estimation*";

    public void Run(string[] args)
    {
        string scale = args.Length > 0 ? args[0] : "quick";
        int seeds = args.Length > 1 ? int.Parse(args[1]) : 3;
        int valC = args.Length > 2 ? int.Parse(args[2]) : 16;
        var data = FalconDataset.Open(EmbeddedDataset.Ensure());
        var studies = Enumerable.Range(0, seeds)
            .Select(i => new Study(data, scale, RunStore.Default, log: Console.Out, seed: PhaseCatalog.DefaultSeed + i)).ToList();
        try
        {
            var models = studies.Select(s => s.Predictor("5")).ToList();
            foreach (var (study, model) in studies.Zip(models))
            {
                // Issue 30, item 4: does EM move where nothing shifted? On the calibration set itself, before and after BCTS.
                var calibration = ImageSetObserver.Observe(model, data[FalconLayout.Val]).AsCalibration();
                var (ts, bcts, scoredOnly) = EstimatorEvaluation.EmDriftOnCalibration(calibration);
                Console.WriteLine($"seed {study.Seed}: EM on the calibration set itself moves the priors from the label shares by " +
                    $"total variation {ts:F4} after temperature scaling (T {calibration.Temperature:F3}), {bcts:F4} after " +
                    $"bias-corrected scaling, {scoredOnly:F4} after bias-corrected scaling on the scored pixels only; " +
                    $"source priors {string.Join(", ", calibration.SourcePriors.Select(p => p.ToString("F3")))}");
            }
            var rows = EstimatorEvaluation.Run(models, data[FalconLayout.Val], EstimationFamilies.All(data, valCImages: valC),
                Console.WriteLine);
            string folder = Path.Combine(Workspace.Root, "report", "tables");
            var margins = EstimatorEvaluation.Margins(rows, scale, level: 0.95,
                $"estimation benchmark, {scale}, Phase 5 of {seeds} seeds, val-C {valC} images per set, {DateTime.UtcNow:yyyy-MM-dd}");
            var marginTable = EstimatorEvaluation.MarginTable(margins);
            Console.WriteLine(TableExport.ToMarkdown(marginTable,
                "Split-conformal margin (95%) per estimator, and the coverage of estimate ± margin per family when fitted without it"));
            TableExport.SaveMarkdown(marginTable, Path.Combine(folder, "estimation-margins.md"),
                $"Measured error margins at {scale} scale, {seeds} seeds: coverage of estimate ± margin per family, margin fitted on the other families");
            IO.AtomicFile.WriteAllText(Path.Combine(folder, "estimator-margins.json"), System.Text.Json.JsonSerializer.Serialize(margins,
                new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));
            Console.WriteLine($"margins: {Path.Combine(folder, "estimator-margins.json")} (copy to lib/DesertSeg.Lab/Estimation/ to ship them)");
            var summary = EstimatorEvaluation.Summary(rows);
            Console.WriteLine(TableExport.ToMarkdown(summary, "Mean absolute error of the estimated mIoU"));
            TableExport.SaveMarkdown(summary, Path.Combine(folder, "estimation.md"),
                $"Label-free estimation at {scale} scale, Phase 5 of {seeds} seeds: mean absolute error of the estimated mIoU " +
                "per shift family (* = no better than the naive baseline where the true drop exceeds 0.05)");
            TableExport.SaveCsv(summary, Path.Combine(folder, "estimation.csv"));
            TableExport.SaveCsv(EstimatorEvaluation.Table(rows), Path.Combine(folder, "estimation-sets.csv"));
            ChartExport.SaveHtml(EstimationCharts.EstimatedVsTrue(rows),
                Path.Combine(Workspace.Root, "report", "figures", "estimation-scatter.html"));

            var selections = studies.Select(s => SelectionComparison.Of(s.Phase(LabelFreeTables.SelectionRun).Directory.ReadHistory()))
                .ToList();
            foreach (var (study, chosen) in studies.Zip(selections))
                Console.WriteLine($"seed {study.Seed}: " + string.Join("; ", chosen.Select(c => $"{c.Selection} epoch {c.Epoch + 1} " +
                    $"test {c.TestMeanIoU:F4}")));
            var table = SelectionOverSeeds(selections);
            Console.WriteLine(TableExport.ToMarkdown(table, "Selection over seeds"));
            TableExport.SaveMarkdown(table, Path.Combine(folder, "selection-seeds.md"),
                $"Test mIoU (input size) of the epoch each selection picks, {seeds} seeds, mean ± sample sd");
        }
        finally
        {
            foreach (var study in studies) study.Dispose();
        }
    }

    private static Microsoft.Data.Analysis.DataFrame SelectionOverSeeds(IReadOnlyList<IReadOnlyList<SelectedEpoch>> perSeed)
    {
        var names = perSeed[0].Select(s => s.Selection).ToList();
        var scores = names.Select(n => perSeed.Select(seed => seed.First(s => s.Selection == n).TestMeanIoU).ToList()).ToList();
        return new Microsoft.Data.Analysis.DataFrame(
            new Microsoft.Data.Analysis.StringDataFrameColumn("Selection", names),
            new Microsoft.Data.Analysis.StringDataFrameColumn("Test mIoU",
                scores.Select(s => $"{SeedSummary.Mean(s):F4} ± {SeedSummary.Sd(s):F4}")),
            new Microsoft.Data.Analysis.StringDataFrameColumn("Per seed", scores.Select(s => string.Join(", ", s.Select(v => v.ToString("F4"))))));
    }
}
