using DesertSeg.Lab.IO;
using Plotly.NET;

namespace DesertSeg.Lab.Reporting.Charts;

/// <summary>Saves charts as self-contained files (plotly.js inlined: the report must open offline).</summary>
public static class ChartExport
{
    /// <summary>The chart as one HTML page with plotly.js inside it.</summary>
    public static string ToSelfContainedHtml(GenericChart chart)
    {
        var options = DisplayOptions.init(null, null, null, null, null, null, PlotlyJSReference.Full);
        return GenericChart.toEmbeddedHTML(Plotly.NET.Chart.withDisplayOptions(options).Invoke(chart));
    }

    /// <summary>Writes the chart as self-contained HTML, atomically.</summary>
    public static void SaveHtml(GenericChart chart, string path) =>
        AtomicFile.WriteAllText(path, ToSelfContainedHtml(chart));

    /// <summary>The chart's figure as plotly JSON (data + layout), e.g. for tests or other renderers.</summary>
    public static string ToJson(GenericChart chart) => GenericChart.toFigureJson(chart);
}
