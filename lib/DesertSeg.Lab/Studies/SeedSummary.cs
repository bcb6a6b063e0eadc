using Microsoft.Data.Analysis;

namespace DesertSeg.Lab.Studies;

/// <summary>One method over several seeds: mean and sample standard deviation of its numbers, and its difference from
/// the source-only line seed by seed.</summary>
public sealed record SeedStatistics(string Method, LineKind Kind, int Seeds, double TestMean, double TestSd, double RocksMean,
    double RocksSd, double? GapMean, double? GapSd, double DifferenceMean, double DifferenceSd)
{
    /// <summary>
    /// A difference from the source-only line smaller than its own seed-to-seed spread (|mean| &lt; standard deviation
    /// of the per-seed differences) is noise, not an effect.
    /// </summary>
    public bool WithinNoise => Math.Abs(DifferenceMean) < DifferenceSd;

    /// <summary>
    /// The 95% interval of the mean difference from source-only over the seeds (Student's t with seeds - 1 degrees of
    /// freedom: mean ± 4.30 sd / sqrt(3) for three seeds); null for one seed. An interval above 0 is a gain beyond seed noise.
    /// </summary>
    public (double Low, double High)? DifferenceInterval => Seeds < 2 ? null
        : (DifferenceMean - HalfWidth, DifferenceMean + HalfWidth);

    private double HalfWidth => MathNet.Numerics.Distributions.StudentT.InvCDF(0, 1, Seeds - 1, 0.975) * DifferenceSd / Math.Sqrt(Seeds);
}

/// <summary>The lab's table over seeds (training seed and environment draw): error bars for every line.</summary>
public static class SeedSummary
{
    /// <summary>Per method (in the first seed's order), over the seeds that have it.</summary>
    /// <param name="perSeed">Each seed's results, each with its own source-only line (and oracle, for the gap closed).</param>
    public static IReadOnlyList<SeedStatistics> Of(IReadOnlyList<IReadOnlyList<AdaptationResult>> perSeed)
    {
        if (perSeed.Count == 0) throw new ArgumentException("No seeds to summarise.");
        var statistics = new List<SeedStatistics>();
        foreach (var first in perSeed[0])
        {
            var lines = perSeed.Select(results => (Results: results, Line: results.FirstOrDefault(r => r.Method == first.Method)))
                .Where(x => x.Line is not null).ToList();
            var test = lines.Select(x => x.Line!.Test.Metrics.MeanIoU).ToList();
            var rocks = lines.Select(x => x.Line!.Test.IoU("Rocks") ?? 0).ToList();
            double SourceOf(IReadOnlyList<AdaptationResult> results) => AdaptationTable.Source(results).Test.Metrics.MeanIoU;
            var gaps = lines.Select(x => AdaptationTable.GapClosed(x.Line!.Test.Metrics.MeanIoU, SourceOf(x.Results),
                AdaptationTable.Oracle(x.Results)?.Test.Metrics.MeanIoU)).ToList();
            var differences = lines.Select(x => x.Line!.Test.Metrics.MeanIoU - SourceOf(x.Results)).ToList();
            var knownGaps = gaps.Where(g => g is not null).Select(g => g!.Value).ToList();
            statistics.Add(new SeedStatistics(first.Method, first.Kind, lines.Count, Mean(test), Sd(test), Mean(rocks), Sd(rocks),
                knownGaps.Count == lines.Count ? Mean(knownGaps) : null, knownGaps.Count == lines.Count ? Sd(knownGaps) : null,
                Mean(differences), Sd(differences)));
        }
        return statistics;
    }

    public static double Mean(IReadOnlyList<double> values) => values.Average();

    /// <summary>Sample standard deviation (n - 1); 0 for one value.</summary>
    public static double Sd(IReadOnlyList<double> values)
    {
        if (values.Count < 2) return 0;
        double mean = values.Average();
        return Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Count - 1));
    }

    /// <summary>The summary as a table: mean ± sd of test mIoU, Rocks IoU, gap closed, and the difference from source.</summary>
    public static DataFrame Table(IReadOnlyList<SeedStatistics> statistics)
    {
        string PlusMinus(double mean, double sd) => $"{mean:F4} ± {sd:F4}";
        return new DataFrame(
            new StringDataFrameColumn("Method", statistics.Select(s => s.Method)),
            new StringDataFrameColumn("Kind", statistics.Select(s => LabLine.KindLabel(s.Kind))),
            new PrimitiveDataFrameColumn<int>("Seeds", statistics.Select(s => s.Seeds)),
            new StringDataFrameColumn("Test mIoU", statistics.Select(s => PlusMinus(s.TestMean, s.TestSd))),
            new StringDataFrameColumn("Rocks IoU", statistics.Select(s => PlusMinus(s.RocksMean, s.RocksSd))),
            new StringDataFrameColumn("Gap closed", statistics.Select(s => s.GapMean is { } g ? $"{g:F3} ± {s.GapSd:F3}" : "")),
            new StringDataFrameColumn("vs source", statistics.Select(s => s.Kind == LineKind.Source ? ""
                : $"{s.DifferenceMean:+0.0000;-0.0000} ± {s.DifferenceSd:F4}{(s.WithinNoise ? " (within seed noise)" : "")}")),
            new StringDataFrameColumn("vs source, 95% interval", statistics.Select(s => s.Kind == LineKind.Source
                || s.DifferenceInterval is not { } i ? "" : $"[{i.Low:+0.000;-0.000}, {i.High:+0.000;-0.000}]")));
    }
}
