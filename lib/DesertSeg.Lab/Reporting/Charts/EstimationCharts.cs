using DesertSeg.Lab.Estimation;
using Plotly.NET;
using Plotly.NET.CSharp;
using Chart = Plotly.NET.CSharp.Chart;

namespace DesertSeg.Lab.Reporting.Charts;

/// <summary>Label-free estimation measured against truth.</summary>
public static class EstimationCharts
{
    /// <summary>Estimated against true mIoU, one point per image set and model, one colour per estimator, with the diagonal
    /// (a perfect estimator's line).</summary>
    public static GenericChart EstimatedVsTrue(IReadOnlyList<EstimateVsTruth> rows)
    {
        var groups = rows.GroupBy(r => r.Estimator).ToList();
        var colours = SeriesColors.First(groups.Count);
        var charts = groups.Select((g, i) => Chart.Point<double, double, string>(
            g.Select(r => r.True), g.Select(r => r.Estimated), Name: g.Key, MarkerColor: Color.fromString(colours[i]),
            MultiText: ChartStyle.Strings(g.Select(r => $"{r.Family}: {r.Set} (model {r.Model})")))).ToList();
        double low = Math.Min(rows.Min(r => r.True), rows.Min(r => r.Estimated)), high = Math.Max(rows.Max(r => r.True), rows.Max(r => r.Estimated));
        charts.Add(Chart.Line<double, double, string>([low, high], [low, high], Name: "estimated = true",
            LineColor: Color.fromString("#888888"), LineDash: StyleParam.DrawingStyle.Dash));
        return Chart.Combine(charts)
            .WithTitle("Label-free estimates against the truth, per image set")
            .WithAxisTitles("True mIoU", "Estimated mIoU")
            .WithSize(Width: 900, Height: 650);
    }
}
