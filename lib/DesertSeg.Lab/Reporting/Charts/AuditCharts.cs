using DesertSeg.Lab.Data;
using DesertSeg.Lab.Data.Audit;
using Plotly.NET;
using Plotly.NET.CSharp;
using Chart = Plotly.NET.CSharp.Chart;

namespace DesertSeg.Lab.Reporting.Charts;

/// <summary>The data audit's figures (report Figures 2 and 3) as Plotly charts.</summary>
public static class AuditCharts
{
    private static readonly Dictionary<string, string> SplitColors = new()
    {
        ["train"] = "#2e8b57", ["val"] = "#6495ed", ["test"] = "#cd5c5c",
    };

    private static string ColorOf(string split) => SplitColors.GetValueOrDefault(split, "#888888");

    /// <summary>
    /// Figure 3: percent of pixels per class for each split with masks. Classes present in training
    /// but absent from test get a red marker above their bars.
    /// </summary>
    public static GenericChart ClassDistribution(DatasetAudit audit, string from = "train", string to = "test")
    {
        if (!audit.Splits.Any(s => s.HasMasks))
            throw new InvalidOperationException($"No split of {audit.Root} has masks, so there is no class distribution to chart.");
        var names = FalconClass.All.Select(c => c.Name).ToArray();
        var bars = audit.Splits.Where(s => s.HasMasks)
            .Select(s => Chart.Column<double, string, string>(
                values: s.Classes.Select(c => c.Percent),
                Keys: ChartStyle.Strings(names),
                Name: s.Split,
                MarkerColor: Color.fromString(ColorOf(s.Split))))
            .ToList();
        if (audit.Has(from) && audit.Has(to) && audit[to].HasMasks)
        {
            var absent = audit[to].AbsentClasses.Where(n => audit[from][n].Pixels > 0).ToList();
            if (absent.Count > 0)
            {
                double top = audit.Splits.Where(s => s.HasMasks).Max(s => s.Classes.Max(c => c.Percent));
                bars.Add(Chart.Point<string, double, string>(
                    x: absent, y: absent.Select(_ => top * 0.08),
                    Name: $"absent in {to}",
                    MarkerColor: Color.fromString("red"),
                    MarkerSymbol: StyleParam.MarkerSymbol.X,
                    MultiText: ChartStyle.Strings(absent.Select(_ => "absent")),
                    TextPosition: StyleParam.TextPosition.TopCenter));
            }
        }
        return Chart.Combine(bars)
            .WithTitle("Class distribution: percent of labelled pixels per split")
            .WithAxisTitles("Class", "% of pixels")
            .WithSize(Width: 900, Height: 450);
    }

    /// <summary>Figure 2: per-channel intensity histograms, one line per split and channel (test dashed).</summary>
    public static GenericChart RgbHistograms(DatasetAudit audit)
    {
        string[] channelNames = ["R", "G", "B"];
        string[] channelColors = ["#d62728", "#2ca02c", "#1f77b4"];
        var lines = new List<GenericChart>();
        foreach (var split in audit.Splits.Where(s => s.ImagesRead > 0))
            for (int c = 0; c < 3; c++)
            {
                double total = split.RgbHistograms[c].Sum();
                var dash = split.Split == "train" ? StyleParam.DrawingStyle.Solid
                    : split.Split == "test" ? StyleParam.DrawingStyle.Dash : StyleParam.DrawingStyle.Dot;
                lines.Add(Chart.Line<int, double, string>(
                    x: Enumerable.Range(0, 256),
                    y: split.RgbHistograms[c].Select(n => n / total),
                    Name: $"{split.Split} {channelNames[c]} (mean {split.MeanRgb[c]:F0})",
                    LineColor: Color.fromString(channelColors[c]),
                    LineDash: dash));
            }
        return Chart.Combine(lines)
            .WithTitle("RGB distributions per split (train solid, test dashed)")
            .WithAxisTitles("Intensity", "Share of pixels")
            .WithSize(Width: 900, Height: 450);
    }

    /// <summary>Mean RGB per split beside the report's train and test means.</summary>
    public static GenericChart MeanRgb(DatasetAudit audit)
    {
        string[] channels = ["R", "G", "B"];
        var bars = audit.Splits.Where(s => s.ImagesRead > 0)
            .Select(s => Chart.Column<double, string, string>(s.MeanRgb, Keys: ChartStyle.Strings(channels), Name: s.Split,
                MarkerColor: Color.fromString(ColorOf(s.Split))))
            .Append(Chart.Column<double, string, string>(ReportedNumbers.MeanRgbTrain, Keys: ChartStyle.Strings(channels),
                Name: "report train",
                MarkerColor: Color.fromString("#9acd9a")))
            .Append(Chart.Column<double, string, string>(ReportedNumbers.MeanRgbTest, Keys: ChartStyle.Strings(channels),
                Name: "report test",
                MarkerColor: Color.fromString("#e9a3a3")));
        return Chart.Combine(bars)
            .WithTitle("Mean RGB per split, with the report's values")
            .WithAxisTitles("Channel", "Mean intensity")
            .WithSize(Width: 700, Height: 400);
    }

    /// <summary>
    /// Each class's mean colour per split as swatches (one bar per class and split, painted in that colour):
    /// the domain gap in colour, class by class.
    /// </summary>
    public static GenericChart ClassColors(DatasetAudit audit)
    {
        var bars = audit.Splits.Where(s => s.HasMasks && s.ImagesRead > 0).Select(split =>
        {
            var classes = split.Classes;
            return Chart.Column<double, string, string>(
                values: classes.Select(c => c.MeanRgb is null ? 0.0 : 1.0),
                Keys: ChartStyle.Strings(classes.Select(c => c.Class.Name)),
                Name: split.Split,
                MultiText: ChartStyle.Strings(classes.Select(c =>
                    c.MeanRgb is { } m ? $"{split.Split}<br>{m[0]:F0},{m[1]:F0},{m[2]:F0}" : "")),
                MarkerColor: Color.fromColors(classes.Select(c => c.MeanRgb is { } m
                    ? Color.fromRGB((int)m[0], (int)m[1], (int)m[2]) : Color.fromString("white"))));
        });
        return Chart.Combine(bars)
            .WithTitle("Mean colour of each class per split (bars left to right: splits in order)")
            .WithAxisTitles("Class", "")
            .WithSize(Width: 1000, Height: 380);
    }
}
