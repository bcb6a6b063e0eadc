using System.Text.Json;
using System.Text.RegularExpressions;

namespace DesertSeg.Lab.Tests.Notebooks;

/// <summary>
/// Every notebook runs to its end without .NET Interactive (<c>desertseg notebook</c>) at smoke scale, shows the same tables
/// and the same charts as the kernel gave on the same study, and its page carries what draws them offline; two pages are
/// drawn in headless Chromium (<see cref="SmokeStudyFixture.RenderedInChromium"/>).
/// </summary>
[Trait(Tier.Category, Tier.Slow)]
[Collection(SmokeStudyCollection.Name)]
public class HeadlessNotebookTests(SmokeStudyFixture fixture)
{
    public static TheoryData<string> AllNotebooks() => NotebookTests.AllNotebooks();

    [Theory]
    [MemberData(nameof(AllNotebooks))]
    public void RunsToTheEnd_WithTheKernelsTablesAndCharts_AndItsPageDrawsEveryChart(string notebook)
    {
        var (exitCode, output, page, dom) = fixture.Headless(notebook);
        Assert.True(exitCode == 0 && File.Exists(page), $"{notebook}: exit {exitCode}\n{output[^Math.Min(output.Length, 3000)..]}");
        string html = File.ReadAllText(page);

        var (_, _, executed) = fixture.Notebook(notebook);
        string kernel = KernelHtml(executed);
        Assert.Equal(Tables(kernel), Tables(html));
        Assert.Equal(Charts(kernel), Charts(html));

        int charts = Charts(html).Count;
        // Offline: plotly.js inline once (before the first chart), one element and draw script per chart.
        Assert.Equal(charts > 0 ? 1 : 0, Regex.Matches(html, "window.__desertsegDefine = window.define").Count);
        Assert.Equal(charts, Regex.Matches(html, "<div id=\"desertseg-chart-[^\"]+\"></div>").Count);
        if (!SmokeStudyFixture.RenderedInChromium.Contains(notebook)) return;
        int drawn = Regex.Matches(dom, "<div id=\"desertseg-chart-[^\"]+\"[^>]*>\\s*<div class=\"plot-container").Count;
        Assert.True(charts > 0 && drawn == charts, $"{notebook}: {drawn} of {charts} charts drawn in headless Chromium");
    }

    /// <summary>
    /// The tables a page shows as both hosts format DataFrames (<c>TableExport.ToHtml</c>: a header of column names; the
    /// kernel's own object tables, with an empty header, are the kernel's way of showing a record), in order, without the rows
    /// that time this machine as the cell runs (inference speed, peak memory, the TTA row's hours) and without the run
    /// browser (the folder as it is at that moment): the same numbers read twice from the same runs and scores, not the
    /// same clock.
    /// </summary>
    private static List<string> Tables(string html) =>
        Regex.Matches(html, "<table><thead><tr><th>.*?</table>", RegexOptions.Singleline)
            // The run browser lists the runs folder as it is and their ages: other notebooks train between the two runs.
            .Where(m => !m.Value.Contains("<th>Age</th>"))
            .Select(m => Regex.Replace(m.Value, "<tr>(?:(?!</tr>).)*(?:ms/image|Peak memory|\\(inference\\))(?:(?!</tr>).)*</tr>", "",
                RegexOptions.Singleline))
            .ToList();

    /// <summary>Each chart's data and layout as drawn (the element's id, which is random per run, left out), in order, without
    /// the training-progress charts the kernel shows while a run trains in that notebook (the other host then reuses it).</summary>
    private static List<string> Charts(string html) =>
        Regex.Matches(html, "var figure = (.*?);\n  function draw", RegexOptions.Singleline).Select(m => m.Groups[1].Value)
            .Where(figure => !figure.Contains("loss and val mIoU per epoch")).ToList();

    /// <summary>Every HTML output of a kernel-executed .ipynb, concatenated in order.</summary>
    private static string KernelHtml(string ipynb)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(ipynb));
        var parts = new List<string>();
        foreach (var cell in doc.RootElement.GetProperty("cells").EnumerateArray())
        {
            if (!cell.TryGetProperty("outputs", out var outputs)) continue;
            foreach (var output in outputs.EnumerateArray())
                if (output.TryGetProperty("data", out var data) && data.TryGetProperty("text/html", out var htmlPart))
                    parts.Add(htmlPart.ValueKind == JsonValueKind.Array
                        ? string.Concat(htmlPart.EnumerateArray().Select(l => l.GetString()))
                        : htmlPart.GetString() ?? "");
        }
        return string.Join("\n", parts);
    }
}
