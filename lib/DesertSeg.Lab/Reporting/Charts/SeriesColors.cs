using DesertSeg.Lab.Studies;

namespace DesertSeg.Lab.Reporting.Charts;

/// <summary>
/// Colours for charts of many series, so that no chart repeats one (Plotly's default colourway has ten and starts over):
/// the lab's lines take a family of shades per kind (source black, test-time blues, adaptation greens, generalisation
/// oranges, ensembles purples, oracle gold), so the eye finds a kind first and a line within it second; other charts take
/// <see cref="Distinct"/> in order.
/// </summary>
public static class SeriesColors
{
    /// <summary>Twenty colours that differ at a glance (Tableau 20's order: ten strong, then ten light).</summary>
    public static readonly IReadOnlyList<string> Distinct =
    [
        "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf",
        "#aec7e8", "#ffbb78", "#98df8a", "#ff9896", "#c5b0d5", "#c49c94", "#f7b6d2", "#c7c7c7", "#dbdb8d", "#9edae5",
    ];

    private static readonly Dictionary<LineKind, string[]> Shades = new()
    {
        [LineKind.Source] = ["#000000", "#525252", "#969696"],
        [LineKind.Oracle] = ["#b8860b", "#e6b800", "#8c6d00"],
        [LineKind.TestTime] = ["#08519c", "#3182bd", "#6baed6", "#9ecae1", "#c6dbef", "#084594"],
        [LineKind.Training] = ["#006d2c", "#31a354", "#74c476", "#a1d99b", "#c7e9c0", "#00441b"],
        [LineKind.Generalisation] = ["#a63603", "#e6550d", "#fd8d3c", "#fdae6b", "#fdd0a2", "#7f2704"],
        [LineKind.Ensemble] = ["#54278f", "#756bb1", "#9e9ac8", "#bcbddc", "#dadaeb", "#3f007d"],
    };

    /// <summary>The first <paramref name="count"/> of <see cref="Distinct"/>; past twenty, shades of grey-blue that differ
    /// from each other and from those.</summary>
    public static IReadOnlyList<string> First(int count) =>
        Enumerable.Range(0, count).Select(i => i < Distinct.Count ? Distinct[i] : Extra(i - Distinct.Count)).ToList();

    /// <summary>One colour per line, by kind: the k-th line of a kind takes that kind's k-th shade; a kind with more lines than
    /// shades goes on with colours no other line has.</summary>
    public static IReadOnlyList<string> ForKinds(IReadOnlyList<LineKind> kinds)
    {
        var used = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var taken = new Dictionary<LineKind, int>();
        var colours = new List<string>();
        int extra = 0;
        foreach (var kind in kinds)
        {
            int k = taken.GetValueOrDefault(kind);
            taken[kind] = k + 1;
            string colour = Shades.TryGetValue(kind, out var shades) && k < shades.Length ? shades[k] : "";
            while (colour.Length == 0 || used.Contains(colour)) colour = Extra(extra++);
            used.Add(colour);
            colours.Add(colour);
        }
        return colours;
    }

    private static string Extra(int i) => $"#{(40 + 37 * i) % 200 + 30:x2}{(90 + 53 * i) % 160 + 60:x2}{(150 + 29 * i) % 100 + 120:x2}";
}
