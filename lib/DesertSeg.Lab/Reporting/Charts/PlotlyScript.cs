using Plotly.NET;

namespace DesertSeg.Lab.Reporting.Charts;

/// <summary>
/// plotly.js as Plotly.NET ships it (an embedded resource), so that every page and notebook output can
/// carry its own copy: nothing is fetched from a CDN.
/// </summary>
public static class PlotlyScript
{
    private static readonly Lazy<string> Source = new(() =>
    {
        var assembly = typeof(GenericChart).Assembly;
        string name = assembly.GetManifestResourceNames()
            .Single(n => n.EndsWith(".min.js", StringComparison.Ordinal) && n.Contains("plotly"));
        using var stream = assembly.GetManifestResourceStream(name)!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    });

    /// <summary>The minified plotly.js source.</summary>
    public static string MinifiedJs => Source.Value;

    /// <summary>
    /// Script tags that load plotly.js as a global. An AMD loader (require.js in Jupyter) would make
    /// plotly.js register as a module instead, so `define` is hidden while it runs.
    /// </summary>
    public static string GlobalScriptTags =>
        "<script>window.__desertsegDefine = window.define; window.define = undefined;</script>\n" +
        $"<script>{MinifiedJs}</script>\n" +
        "<script>window.define = window.__desertsegDefine;</script>\n";

    /// <summary>
    /// A div and a script that draw <paramref name="chart"/> with the global Plotly (waiting for it to
    /// appear, in case plotly.js is still loading in an earlier output).
    /// </summary>
    public static string DrawFragment(GenericChart chart, string elementId)
    {
        string figure = GenericChart.toFigureJson(chart);
        return $"<div id=\"{elementId}\"></div>\n<script>(function() {{\n" +
               $"  var figure = {figure};\n" +
               $"  function draw() {{ if (!window.Plotly) {{ setTimeout(draw, 50); return; }} " +
               $"Plotly.newPlot('{elementId}', figure.data, figure.layout, {{responsive: true, displaylogo: false}}); }}\n" +
               "  draw();\n})();</script>\n";
    }
}
