using System.Diagnostics;
using DesertSeg.Lab.Data;
using DesertSeg.Lab.Data.Loading;
using DesertSeg.Lab.Evaluation;
using DesertSeg.Lab.Inference;
using static TorchSharp.torch;

namespace DesertSeg.Lab.Benchmarks;

/// <summary>
/// What the main job does after every training: a model scored on a split at native resolution, several times in one
/// process (its scoring stage and the lab score the same test pairs again and again), with the decoded-pair cache and
/// without it. Arguments: CHECKPOINT-OR-RUN [DATA] [--split test] [--repeats 4].
/// </summary>
public sealed class ScoringBenchmark : IBenchmark
{
    public string Name => "scoring";

    public string Description => "Native-resolution scoring of one model on a split, repeated in one process, decoded-pair cache on and off";

    public void Run(string[] args)
    {
        if (args.Length == 0 || args[0].StartsWith("--"))
        {
            Console.WriteLine("Nothing to score: give a run folder or checkpoint (and the data set; default: the embedded one), " +
                "e.g. -- scoring -- runs/phase5-quick-XXXX");
            return;
        }
        string data = args.Length > 1 && !args[1].StartsWith("--") ? args[1] : Data.Synthetic.EmbeddedDataset.Ensure();
        string splitName = Option(args, "--split", FalconLayout.Test);
        int repeats = int.Parse(Option(args, "--repeats", "4"));
        var split = FalconDataset.Open(data)[splitName];
        using var predictor = Predictor.Load(args[0], device: CPU);
        Console.WriteLine($"{predictor.Source}: {splitName} ({split.Count} images) scored {repeats} times per setting, " +
            $"{Environment.ProcessorCount} cores");
        double? miou = null;
        foreach (long budgetMb in new long[] { 0, DecodedPairCache.DefaultBudgetMegabytes })
        {
            DecodedPairCache.Clear();
            DecodedPairCache.BudgetBytes = budgetMb * 1024 * 1024;
            var seconds = new List<double>();
            for (int r = 0; r < repeats; r++)
            {
                var clock = Stopwatch.StartNew();
                var score = SplitScorer.Score(predictor, split);
                seconds.Add(clock.Elapsed.TotalSeconds);
                if (miou is { } first && first != score.Metrics.MeanIoU)
                    throw new InvalidOperationException($"mIoU {score.Metrics.MeanIoU} differs from {first}: the cache changed a score.");
                miou = score.Metrics.MeanIoU;
            }
            Console.WriteLine($"cache {(budgetMb == 0 ? "off" : $"{budgetMb} MB"),-7}: " +
                $"{string.Join(" ", seconds.Select(s => s.ToString("F2")))} s (first, then repeats); mIoU {miou:F4}, " +
                $"{DecodedPairCache.Count} images and masks held");
        }
    }

    private static string Option(string[] args, string name, string fallback)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
    }
}
