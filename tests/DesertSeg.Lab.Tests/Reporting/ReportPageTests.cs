using DesertSeg.Lab.Reporting;
using DesertSeg.Lab.Reporting.Charts;
using Microsoft.Data.Analysis;
using Plotly.NET.CSharp;

namespace DesertSeg.Lab.Tests.Reporting;

/// <summary>The report page in headless Chromium, as a reader opens it: charts drawn inline by the page's one copy of
/// plotly.js, no script error.</summary>
public class ReportPageTests
{
    /// <summary>The DOM after the page's scripts ran (Chromium's --dump-dom), or a failed assertion without a browser.</summary>
    internal static string RenderedDom(string page)
    {
        ChartImageExportTests.RequireBrowser();
        var result = ChildProcess.Run(ChartImageExport.FindBrowser()!,
            ["--headless", "--no-sandbox", "--disable-gpu", "--virtual-time-budget=30000", "--dump-dom", new Uri(page).AbsoluteUri],
            limit: TimeSpan.FromMinutes(2));
        return result.Output;
    }

    /// <summary>The script errors the page recorded on its html element, or null.</summary>
    internal static string? ScriptErrors(string dom) =>
        System.Text.RegularExpressions.Regex.Match(dom, "<html[^>]*data-script-errors=\"([^\"]*)\"") is { Success: true } m
            ? m.Groups[1].Value : null;

    /// <summary>Whether the figure <paramref name="name"/> holds a drawn plot of a non-empty area in <paramref name="dom"/>.</summary>
    internal static bool Drawn(string dom, string name)
    {
        int at = dom.IndexOf($"id=\"chart-{name}\"", StringComparison.Ordinal);
        if (at < 0) return false;
        int end = dom.IndexOf("</figure>", at, StringComparison.Ordinal);
        var svg = System.Text.RegularExpressions.Regex.Match(dom[at..end], "<svg class=\"main-svg\"[^>]*?width=\"(\\d+)\"[^>]*?height=\"(\\d+)\"");
        return svg.Success && int.Parse(svg.Groups[1].Value) > 100 && int.Parse(svg.Groups[2].Value) > 100;
    }

    [Trait(Tier.Category, Tier.Slow)]
    [Fact]
    public void ChartsDrawInline_WithOneCopyOfPlotly_AndNoScriptError()
    {
        using var dir = new TempFolder();
        var page = new ReportPage("test report");
        page.Lede("a page with two charts");
        page.Summary(new SummaryLine("Test mIoU", "0.4435", "0.3602"));
        page.StartSection("Data", "The first section.");
        page.Figure("Bars", "bars", "Three bars.", Chart.Column<double, string, string>([3, 1, 2], Keys: ChartStyle.Strings(["a", "b", "c"])));
        page.Table("Numbers", "numbers", "A table.", new DataFrame(new PrimitiveDataFrameColumn<int>("n", [1, 2])));
        page.StartSection("Results", "The second section.");
        page.Figure("Line", "line", "A line.", Chart.Line<int, double, string>([0, 1, 2], [0.1, 0.5, 0.4]));
        string file = dir.Combine("index.html");
        File.WriteAllText(file, page.Render());

        string dom = RenderedDom(file);

        Assert.Null(ScriptErrors(dom));
        Assert.True(Drawn(dom, "bars"), "the bar chart did not draw");
        Assert.True(Drawn(dom, "line"), "the line chart did not draw");
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(File.ReadAllText(file), "window.__desertsegDefine = window.define"));
    }
}
