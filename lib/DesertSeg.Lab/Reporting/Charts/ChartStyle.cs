using Plotly.NET;
using Plotly.NET.CSharp;

namespace DesertSeg.Lab.Reporting.Charts;

/// <summary>Small conveniences over Plotly.NET that Plotly.NET.CSharp does not expose.</summary>
public static class ChartStyle
{
    /// <summary>Sets the chart's title (Plotly.NET's F# <c>Chart.withTitle</c>).</summary>
    public static GenericChart WithTitle(this GenericChart chart, string title) =>
        Plotly.NET.Chart.withTitle(title, null).Invoke(chart);

    /// <summary>Sets both axis titles.</summary>
    public static GenericChart WithAxisTitles(this GenericChart chart, string x, string y) =>
        chart.WithXAxisStyle<double, double, double>(TitleText: x).WithYAxisStyle<double, double, double>(TitleText: y);

    /// <summary>Category keys or per-point texts for Plotly.NET.CSharp's optional arguments.</summary>
    public static Optional<IEnumerable<string>> Strings(IEnumerable<string> values) => new(values, true);
}
