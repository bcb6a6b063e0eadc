using DesertSeg.Lab.Reporting.Charts;
using OpenCvSharp;
using Chart = Plotly.NET.CSharp.Chart;

namespace DesertSeg.Lab.Tests.Reporting;

/// <summary>Figure export through headless Chromium (CI installs Debian's chromium; see .ci/run).</summary>
public class ChartImageExportTests
{
    private static Plotly.NET.GenericChart RedBars() =>
        Chart.Column<double, string, string>([3, 1, 2], Keys: ChartStyle.Strings(["a", "b", "c"]),
            MarkerColor: Plotly.NET.Color.fromString("#ff0000")).WithTitle("export test");

    /// <summary>Fails with what to install when no browser is there: these tests need one.</summary>
    internal static void RequireBrowser() => Assert.True(ChartImageExport.FindBrowser() is not null,
        "These tests need Chromium, Chrome or Edge for PNG/SVG export and none was found: install one " +
        "(Debian: apt-get install chromium, as .ci/run does) or set DESERTSEG_CHROMIUM to its path.");

    [Fact]
    public void PngHasTheRequestedSizeAndShowsTheBars()
    {
        RequireBrowser();
        using var dir = new TempFolder();
        string png = dir.Combine("bars.png");

        ChartImageExport.Save(RedBars(), png, width: 640, height: 360);

        using var image = Cv2.ImRead(png, ImreadModes.Color);
        Assert.Equal(640, image.Width);
        Assert.Equal(360, image.Height);
        // Pure red pixels come only from the bars.
        using var red = image.InRange(new Scalar(0, 0, 250), new Scalar(5, 5, 255));
        Assert.True(Cv2.CountNonZero(red) > 2000, "the red bars should be drawn");
    }

    [Fact]
    public void SvgAndHtmlAreWritten()
    {
        RequireBrowser();
        using var dir = new TempFolder();
        ChartImageExport.Save(RedBars(), dir.Combine("bars.svg"));
        ChartImageExport.Save(RedBars(), dir.Combine("bars.html"));

        Assert.StartsWith("<svg", File.ReadAllText(dir.Combine("bars.svg")).TrimStart());
        string html = File.ReadAllText(dir.Combine("bars.html"));
        Assert.Contains("export test", html);
        Assert.DoesNotContain("src=\"http", html); // plotly.js is inlined, not fetched
        Assert.Contains("Plotly.newPlot", html);
        Assert.Throws<ArgumentException>(() => ChartImageExport.Save(RedBars(), dir.Combine("bars.gif")));
    }
}
