using System.Text.Json;
using DesertSeg.Lab.Data;
using DesertSeg.Lab.Estimation;
using DesertSeg.Lab.Evaluation;
using DesertSeg.Lab.Reporting.Charts;
using DesertSeg.Lab.Studies;
using Plotly.NET;

namespace DesertSeg.Lab.Tests.Reporting;

/// <summary>No chart repeats a colour among its series (issue 32): the colour each trace is drawn in, Plotly's default
/// colourway (ten colours, by trace index) where a trace names none.</summary>
public sealed class SeriesColorsTests
{
    private static readonly string[] PlotlyColourway =
        ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"];

    /// <summary>Each trace's colour as drawn: its marker or line colour, else the colourway's colour for its index.</summary>
    internal static List<string> DrawnColours(GenericChart chart)
    {
        using var figure = JsonDocument.Parse(GenericChart.toFigureJson(chart));
        return figure.RootElement.GetProperty("data").EnumerateArray().Select((trace, i) =>
            (Colour(trace, "marker") ?? Colour(trace, "line") ?? PlotlyColourway[i % PlotlyColourway.Length]).ToLowerInvariant()).ToList();

        static string? Colour(JsonElement trace, string part) =>
            trace.TryGetProperty(part, out var p) && p.TryGetProperty("color", out var c) && c.ValueKind == JsonValueKind.String
                ? c.GetString() : null;
    }

    private static AdaptationResult Line(string method, LineKind kind)
    {
        var confusion = ConfusionMatrix.FromCounts(7, Enumerable.Range(0, 49).Select(i => i % 8 == 0 ? 10L : 1L).ToList());
        return new AdaptationResult(method, kind, "", [], new SplitScore(FalconLayout.Test, ScoringProtocol.Native,
            ClassScheme.SevenClass, method, confusion, []), null);
    }

    [Fact]
    public void TheLabsPerClassChart_GivesEveryLineItsOwnColour_GroupedByKind()
    {
        // Every line the lab can show, the generalisation lines too: more than Plotly's ten colours.
        var results = LabLines.All.Select(l => Line(l.Label, l.Kind)).ToList();
        Assert.True(results.Count > 20, $"{results.Count} lines");

        var chart = AdaptationCharts.PerClassIoU(results);

        var colours = DrawnColours(chart);
        Assert.Equal(results.Count, colours.Count);
        Assert.Equal(colours.Count, colours.Distinct().Count());
        // Grouped: the legend lists the lines kind by kind, source first and the oracle last.
        using var figure = JsonDocument.Parse(GenericChart.toFigureJson(chart));
        var names = figure.RootElement.GetProperty("data").EnumerateArray().Select(t => t.GetProperty("name").GetString()!).ToList();
        var kinds = names.Select(n => results.First(r => n.StartsWith(r.Method + " (", StringComparison.Ordinal)).Kind).ToList();
        Assert.Equal(LineKind.Source, kinds[0]);
        Assert.Equal(LineKind.Oracle, kinds[^1]);
        Assert.Equal(kinds.Distinct().Count(), kinds.Select((k, i) => i == 0 || kinds[i - 1] != k).Count(start => start));
    }

    [Fact]
    public void TheEstimationChart_GivesEveryEstimatorItsOwnColour()
    {
        var rows = LabelFreeEstimators.Names.Append("agreement-on-the-line").SelectMany(e => new[]
        {
            new EstimateVsTruth(0, "family", "set", e, 0.4, 0.5, 0.6),
            new EstimateVsTruth(0, "family", "other set", e, 0.3, 0.35, 0.6),
        }).ToList();

        var colours = DrawnColours(EstimationCharts.EstimatedVsTrue(rows));

        Assert.Equal(LabelFreeEstimators.Names.Count + 2, colours.Count);   // the estimators and the diagonal
        Assert.Equal(colours.Count, colours.Distinct().Count());
    }

    [Fact]
    public void ColoursByKind_StayDistinct_PastEveryKindsShades() =>
        Assert.Equal(40, SeriesColors.ForKinds(Enumerable.Repeat(LineKind.Training, 30).Concat(Enumerable.Repeat(LineKind.Source, 10)).ToList())
            .Distinct(StringComparer.OrdinalIgnoreCase).Count());
}
