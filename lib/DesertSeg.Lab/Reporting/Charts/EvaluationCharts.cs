using System.Globalization;
using System.Net;
using System.Text;
using DesertSeg.Lab.Evaluation;
using Microsoft.FSharp.Core;
using Plotly.NET;
using Plotly.NET.CSharp;
using Chart = Plotly.NET.CSharp.Chart;

namespace DesertSeg.Lab.Reporting.Charts;

/// <summary>The evaluation figures of report sections 5-6 as Plotly charts and an HTML image gallery.</summary>
public static class EvaluationCharts
{
    private const string ValColor = "#2e8b57", TestColor = "#cd5c5c", ReportColor = "#999999";

    /// <summary>
    /// Row-normalised confusion matrix as a heatmap: row = true class, column = predicted class, each cell
    /// the share of the row's pixels (written in the cell). Classes with no true pixels are rows of zeros labelled "(no pixels)".
    /// </summary>
    public static GenericChart ConfusionHeatmap(SplitScore score)
    {
        var names = score.Scheme.ClassNames;
        var rows = score.Confusion.RowNormalized();
        int n = names.Count;
        // Plotly draws row 0 at the bottom; reversed rows read top-down like the table.
        var order = Enumerable.Range(0, n).Reverse().ToList();
        // A class with no true pixels has no row to normalise: zeros, and its label says so.
        var z = order.Select(t => Enumerable.Range(0, n).Select(p => double.IsNaN(rows[t, p]) ? 0 : rows[t, p]).ToArray()).ToArray();
        var rowLabels = order.Select(t => double.IsNaN(rows[t, 0]) ? $"{names[t]} (no pixels)" : names[t]);
        var chart = Chart.Heatmap<double, string, string, string>(
            zData: z,
            X: ChartStyle.Strings(names),
            Y: ChartStyle.Strings(rowLabels),
            ColorScale: StyleParam.Colorscale.Viridis);
        chart = WithTraceProperty(chart, "texttemplate", "%{z:.2f}");
        chart = WithTraceProperty(chart, "zmin", 0.0);
        chart = WithTraceProperty(chart, "zmax", 1.0);
        return chart
            .WithTitle($"Where each class's pixels go (rows sum to 1) — {score.Label}")
            .WithAxisTitles("Predicted class", "True class")
            .WithSize(Width: 60 * n + 360, Height: 50 * n + 220);
    }

    /// <summary>Per-class IoU of one score, with the report's test IoU where the class is in Table 7.</summary>
    public static GenericChart ClassIoU(SplitScore score, bool withReport = true)
    {
        var names = score.Scheme.ClassNames;
        var bars = new List<GenericChart>
        {
            Chart.Column<double, string, string>(score.Metrics.IoU.Select(v => v ?? 0),
                Keys: ChartStyle.Strings(names), Name: $"{score.Split} (mIoU {score.Metrics.MeanIoU:F3})",
                MarkerColor: Color.fromString(TestColor)),
        };
        if (withReport)
            bars.Add(Chart.Column<double, string, string>(
                names.Select(n => ReportedNumbers.ClassIoU.TryGetValue(n, out var r) ? r.Test : 0),
                Keys: ChartStyle.Strings(names), Name: "report test (R101, TTA)",
                MarkerColor: Color.fromString(ReportColor)));
        return Chart.Combine(bars)
            .WithTitle($"Per-class IoU — {score.Label}")
            .WithAxisTitles("Class", "IoU")
            .WithSize(Width: 900, Height: 450);
    }

    /// <summary>
    /// Figure 6: per-class IoU, validation (green) against test (red), with dashed lines at each split's mIoU.
    /// </summary>
    public static GenericChart ValTestIoU(SplitScore val, SplitScore test)
    {
        if (val.Scheme != test.Scheme)
            throw new ArgumentException($"Validation is scored in the {val.Scheme.Name} scheme, test in {test.Scheme.Name}.");
        var names = val.Scheme.ClassNames;
        var keys = ChartStyle.Strings(names);
        GenericChart Bars(SplitScore s, string color) => Chart.Column<double, string, string>(s.Metrics.IoU.Select(v => v ?? 0), Keys: keys,
            Name: $"{s.Split} (mIoU {s.Metrics.MeanIoU:F3})", MarkerColor: Color.fromString(color));
        GenericChart MeanLine(SplitScore s, string color) => Chart.Line<string, double, string>(
            x: [names[0], names[^1]], y: [s.Metrics.MeanIoU, s.Metrics.MeanIoU],
            Name: $"{s.Split} mean", LineColor: Color.fromString(color), LineDash: StyleParam.DrawingStyle.Dash);
        return Chart.Combine([Bars(val, ValColor), Bars(test, TestColor), MeanLine(val, ValColor), MeanLine(test, TestColor)])
            .WithTitle($"Per-class IoU, {val.Split} vs {test.Split} ({test.Method}; {test.Resolution})")
            .WithAxisTitles("Class", "IoU")
            .WithSize(Width: 950, Height: 460);
    }

    /// <summary>
    /// A gallery of composed panels (Figures 8 and 9) as one HTML fragment with the PNGs embedded in base64:
    /// a notebook displays it as HTML, and it opens offline as a file.
    /// </summary>
    public static string GalleryHtml(string title, IEnumerable<GalleryItem> items)
    {
        var html = new StringBuilder();
        html.Append("<div style=\"font-family:sans-serif\"><h3>").Append(WebUtility.HtmlEncode(title)).Append("</h3>");
        foreach (var item in items)
        {
            html.Append("<figure style=\"margin:0 0 18px 0\"><img style=\"max-width:100%\" alt=\"")
                .Append(WebUtility.HtmlEncode(item.Id)).Append("\" src=\"data:image/png;base64,")
                .Append(Convert.ToBase64String(item.ToPng())).Append("\"/><figcaption>")
                .Append(WebUtility.HtmlEncode(item.Caption)).Append("</figcaption></figure>");
        }
        return html.Append("</div>").ToString();
    }

    /// <summary>The gallery as a complete HTML page.</summary>
    public static string GalleryPage(string title, IEnumerable<GalleryItem> items) =>
        $"<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>{WebUtility.HtmlEncode(title)}</title></head>" +
        $"<body>{GalleryHtml(title, items)}</body></html>";

    /// <summary>Sets a plotly trace attribute that Plotly.NET.CSharp has no argument for.</summary>
    private static GenericChart WithTraceProperty(GenericChart chart, string name, object value) =>
        GenericChart.mapTrace(FuncConvert.FromFunc<Trace, Trace>(trace =>
        {
            trace.SetProperty(name, value);
            return trace;
        }), chart);
}
