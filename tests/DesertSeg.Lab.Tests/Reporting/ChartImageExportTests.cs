using DesertSeg.Lab.Reporting.Charts;
using OpenCvSharp;
using Chart = Plotly.NET.CSharp.Chart;

namespace DesertSeg.Lab.Tests.Reporting;

/// <summary>Figure export through headless Chromium (CI installs Debian's chromium; see .ci/run).</summary>
[Trait(Tier.Category, Tier.Slow)]
public class ChartImageExportTests
{
    private static Plotly.NET.GenericChart RedBars() =>
        Chart.Column<double, string, string>([3, 1, 2], Keys: ChartStyle.Strings(["a", "b", "c"]),
            MarkerColor: Plotly.NET.Color.fromString("#ff0000")).WithTitle("export test");

    /// <summary>Fails with what to install when no browser is there: these tests need one.</summary>
    internal static void RequireBrowser() => Assert.True(ChartImageExport.FindBrowser() is not null,
        "These tests need Chromium, Chrome or Edge for PNG/SVG export and none was found: install one " +
        "(Debian: apt-get install chromium, as .ci/run does) or set DESERTSEG_CHROMIUM to its path.");

    private static Plotly.NET.GenericChart Bars(string colour) =>
        Chart.Column<double, string, string>([3, 1, 2], Keys: ChartStyle.Strings(["a", "b", "c"]),
            MarkerColor: Plotly.NET.Color.fromString(colour)).WithTitle("export test");

    /// <summary>One browser start renders several charts, each into its own file at its own size and format.</summary>
    [Fact]
    public void SeveralChartsRenderInOneGo_EachIntoItsOwnFile()
    {
        RequireBrowser();
        using var dir = new TempFolder();
        string red = dir.Combine("red.png"), green = dir.Combine("green.png"), svg = dir.Combine("bars.svg");

        ChartImageExport.SaveMany([(Bars("#ff0000"), red, 640, 360), (Bars("#00ff00"), green, 500, 300), (RedBars(), svg, 900, 500)]);

        int Pixels(string path, Scalar low, Scalar high, int width, int height)
        {
            using var image = Cv2.ImRead(path, ImreadModes.Color);
            Assert.Equal((width, height), (image.Width, image.Height));
            using var mask = image.InRange(low, high);
            return Cv2.CountNonZero(mask);
        }
        // Pure red (BGR 0,0,255) or pure green pixels come only from the bars.
        Assert.True(Pixels(red, new Scalar(0, 0, 250), new Scalar(5, 5, 255), 640, 360) > 2000, "red bars in red.png");
        Assert.Equal(0, Pixels(red, new Scalar(0, 250, 0), new Scalar(5, 255, 5), 640, 360));
        Assert.True(Pixels(green, new Scalar(0, 250, 0), new Scalar(5, 255, 5), 500, 300) > 1500, "green bars in green.png");
        Assert.StartsWith("<svg", File.ReadAllText(svg).TrimStart());

        ChartImageExport.Save(RedBars(), dir.Combine("bars.html"));
        string html = File.ReadAllText(dir.Combine("bars.html"));
        Assert.Contains("export test", html);
        Assert.DoesNotContain("src=\"http", html); // plotly.js is inlined, not fetched
        Assert.Contains("Plotly.newPlot", html);
        Assert.Throws<ArgumentException>(() => ChartImageExport.Save(RedBars(), dir.Combine("bars.gif")));
    }
}
