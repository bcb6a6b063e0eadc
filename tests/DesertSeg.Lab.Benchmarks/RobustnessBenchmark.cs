using DesertSeg.Lab.Data;
using DesertSeg.Lab.Data.Synthetic;
using DesertSeg.Lab.Evaluation.Corruptions;
using DesertSeg.Lab.Evaluation.Robustness;
using DesertSeg.Lab.Reporting;
using DesertSeg.Lab.Studies;
using DesertSeg.Lab.Training;

namespace DesertSeg.Lab.Benchmarks;

/// <summary>
/// The whole corruption grid (15 corruptions x 5 severities of the val split) for the Phase 5 model of a scale, as
/// trained, with AdaBN and with online TENT: per-corruption tables and the mean over all, written to
/// report/tables/val-c-*.md. The Phase 5 run is the workspace's (reproduce trains it).
/// </summary>
public sealed class RobustnessBenchmark : IBenchmark
{
    public string Name => "robustness";
    public string Description =>
        "val-C: Phase 5 on 15 corruptions x 5 severities, source / AdaBN / TENT per set / TENT continual (-- [SCALE] [VAL IMAGES] [TENT BATCH])";

    public void Run(string[] args)
    {
        string scale = args.Length > 0 ? args[0] : "quick";
        int? images = args.Length > 1 ? int.Parse(args[1]) : null;
        int tentBatch = args.Length > 2 ? int.Parse(args[2]) : Studies.LabRobustness.TentBatchSize;
        var data = FalconDataset.Open(EmbeddedDataset.Ensure());
        using var study = new Study(data, scale, RunStore.Default, log: Console.Out);
        string checkpoint = study.Phase("5").Directory.BestCheckpoint;
        var split = data[FalconLayout.Val].RequireComplete().Subset(images);
        string folder = Path.Combine(Workspace.Root, "report", "tables");
        foreach (var method in Enum.GetValues<AdaptationAtTest>())
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            bool online = method is AdaptationAtTest.Tent or AdaptationAtTest.TentContinual;
            var result = RobustnessSuite.Score(checkpoint, split, method, Corruptions.All, [1, 2, 3, 4, 5],
                batchSize: online ? tentBatch : 8);
            var table = result.Table();
            Console.WriteLine($"{method}: clean {result.CleanMeanIoU:F4}, mean over val-C {result.MeanIoU:F4} " +
                $"({clock.Elapsed.TotalSeconds:F0} s)");
            Console.WriteLine(TableExport.ToMarkdown(table));
            TableExport.SaveMarkdown(table, Path.Combine(folder, $"val-c-{method.ToString().ToLowerInvariant()}.md"),
                $"val-C ({split.Count} images), Phase 5 {scale}, {method}: clean {result.CleanMeanIoU:F4}, mean {result.MeanIoU:F4}");
        }
    }
}
