using Microsoft.Data.Analysis;

namespace DesertSeg.Lab.Studies;

/// <summary>The domain-adaptation table and its reference lines, found by kind (never by position).</summary>
public static class AdaptationTable
{
    /// <summary>The source-only line.</summary>
    /// <exception cref="InvalidOperationException">The results hold no source-only line.</exception>
    public static AdaptationResult Source(IReadOnlyList<AdaptationResult> results) =>
        results.FirstOrDefault(r => r.Kind == LineKind.Source)
        ?? throw new InvalidOperationException("The adaptation results hold no source-only line (kind Source).");

    /// <summary>The oracle line, or null where the data set has no labelled target scenes.</summary>
    public static AdaptationResult? Oracle(IReadOnlyList<AdaptationResult> results) =>
        results.FirstOrDefault(r => r.Kind == LineKind.Oracle);

    /// <summary>The best method by test mIoU (neither the source-only line nor the oracle), or the source-only line when there is
    /// none.</summary>
    public static AdaptationResult Best(IReadOnlyList<AdaptationResult> results) =>
        results.Where(r => r.Kind is not (LineKind.Source or LineKind.Oracle)).MaxBy(r => r.Test.Metrics.MeanIoU) ?? Source(results);

    /// <summary>(method - source) / (oracle - source); null without an oracle or when the oracle is no better than the source.</summary>
    public static double? GapClosed(double method, double source, double? oracle) =>
        oracle is { } o && o - source > 1e-9 ? (method - source) / (o - source) : null;

    /// <summary>Test mIoU, gap closed and every class's IoU for each result.</summary>
    public static DataFrame Of(IReadOnlyList<AdaptationResult> results)
    {
        double source = Source(results).Test.Metrics.MeanIoU;
        double? oracle = Oracle(results)?.Test.Metrics.MeanIoU;
        var names = results[0].Test.Scheme.ClassNames;
        var columns = new List<DataFrameColumn>
        {
            new StringDataFrameColumn("Method", results.Select(r => r.Method)),
            new StringDataFrameColumn("Kind", results.Select(r => LabLine.KindLabel(r.Kind))),
            new DoubleDataFrameColumn("Test mIoU", results.Select(r => (double?)Math.Round(r.Test.Metrics.MeanIoU, 4))),
            new DoubleDataFrameColumn("Gap closed",
                results.Select(r => GapClosed(r.Test.Metrics.MeanIoU, source, oracle) is { } g ? (double?)Math.Round(g, 3) : null)),
        };
        foreach (var name in names)
            columns.Add(new DoubleDataFrameColumn($"{name} IoU",
                results.Select(r => r.Test.IoU(name) is { } v ? (double?)Math.Round(v, 4) : null)));
        columns.Add(new DoubleDataFrameColumn("Training s",
            results.Select(r => r.TrainingSeconds is { } s ? (double?)Math.Round(s) : null)));
        return new DataFrame(columns);
    }
}
