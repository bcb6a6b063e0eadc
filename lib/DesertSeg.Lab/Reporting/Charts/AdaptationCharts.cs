using DesertSeg.Lab.Studies;
using Plotly.NET;
using Plotly.NET.CSharp;
using Chart = Plotly.NET.CSharp.Chart;

namespace DesertSeg.Lab.Reporting.Charts;

/// <summary>The domain-adaptation lab's figures: per-class IoU of every method, and the share of the gap each closes.</summary>
public static class AdaptationCharts
{
    /// <summary>Grouped bars: one group per class, one bar per method (test IoU).</summary>
    public static GenericChart PerClassIoU(IReadOnlyList<AdaptationResult> results)
    {
        var names = results[0].Test.Scheme.ClassNames;
        var keys = ChartStyle.Strings(names);
        // Lines grouped by kind in the legend (source, test-time, adaptation, generalisation, ensembles, oracle), each kind
        // in its own family of shades: no two lines share a colour.
        var ordered = results.OrderBy(r => KindOrder(r.Kind)).ToList();
        var colours = SeriesColors.ForKinds(ordered.Select(r => r.Kind).ToList());
        var bars = ordered.Select((r, i) => Chart.Column<double, string, string>(names.Select(n => r.Test.IoU(n) ?? 0), Keys: keys,
            Name: $"{r.Method} ({r.Test.Metrics.MeanIoU:F3})", MarkerColor: Color.fromString(colours[i])));
        return Chart.Combine(bars)
            .WithTitle("Domain adaptation: test IoU per class (mIoU in the legend)")
            .WithAxisTitles("Class", "IoU")
            .WithSize(Width: 1100, Height: 500);
    }

    private static int KindOrder(LineKind kind) => kind switch
    {
        LineKind.Source => 0,
        LineKind.TestTime => 1,
        LineKind.Training => 2,
        LineKind.Generalisation => 3,
        LineKind.Ensemble => 4,
        _ => 5,
    };

    /// <summary>Bars of gap closed = (method - source) / (oracle - source) per method; 1 = as good as the oracle.</summary>
    public static GenericChart GapClosed(IReadOnlyList<AdaptationResult> results)
    {
        double source = AdaptationTable.Source(results).Test.Metrics.MeanIoU;
        double? oracle = AdaptationTable.Oracle(results)?.Test.Metrics.MeanIoU;
        var methods = results.Where(r => r.Kind is not (LineKind.Source or LineKind.Oracle)).ToList();
        var gaps = methods.Select(r => AdaptationTable.GapClosed(r.Test.Metrics.MeanIoU, source, oracle) ?? 0).ToList();
        return Chart.Bar<double, string, string>(gaps, Keys: ChartStyle.Strings(methods.Select(m => m.Method)),
                MultiText: ChartStyle.Strings(gaps.Select(g => $"{g:P0}")))
            .WithTitle($"Share of the source-to-oracle gap closed (source {source:F3}, oracle {oracle:F3} test mIoU)")
            .WithAxisTitles("Gap closed", "Method")
            .WithSize(Width: 900, Height: 480);
    }
}
