using System.Globalization;
using System.Text.Json;
using DesertSeg.Lab.Evaluation;
using DesertSeg.Lab.Tests.Cli;
using DesertSeg.Lab.Training;

namespace DesertSeg.Lab.Tests.Notebooks;

/// <summary>`reproduce` at smoke scale writes every table and figure from its own runs, and a second pass reuses them.</summary>
[Trait(Tier.Category, Tier.Slow)]
[Collection(SmokeStudyCollection.Name)]
public class ReproduceTests(SmokeStudyFixture fixture)
{
    private static readonly string[] Tables =
    [
        "table1-class-distribution", "table2-absent-classes", "table6-final-model", "table7-per-class-iou",
        "table8-ablation", "table9-failed-ideas", "table10-diminishing-returns", "adaptation-table", "adaptation-val-c",
        "label-free-estimates", "selection-comparison",
    ];

    private static readonly string[] Figures =
    [
        "figure2-rgb-histograms", "figure3-class-distribution", "figure5-loss", "figure5-miou", "figure5-learning-rate",
        "figure6-val-vs-test", "figure7-ablation", "confusion-phase3-test", "confusion-phase5-test",
        "adaptation-per-class", "adaptation-gap-closed",
    ];

    private Reproduction Passes => fixture.Reproduction;

    /// <summary>
    /// The report page read as a person would, in headless Chromium: a summary first, sections in the report's order, every
    /// chart drawn inline by the page's own plotly.js (no script error, a plot with a non-empty drawing area in each figure),
    /// the runs at the end.
    /// </summary>
    [Fact]
    public void ReportPageReadsLikeAPaper_AndDrawsEveryChartInABrowser()
    {
        Reporting.ChartImageExportTests.RequireBrowser();
        Assert.True(Passes.First.ExitCode == 0, Passes.First.ToString());
        string index = Path.Combine(Passes.FirstReport, "index.html");
        string page = File.ReadAllText(index);
        int Position(string text) => page.IndexOf(text, StringComparison.Ordinal) is var i and >= 0 ? i
            : throw new Xunit.Sdk.XunitException($"index.html lacks '{text}'");
        Assert.True(Position("<h2>Summary</h2>") < Position("1. The data") && Position("1. The data") < Position("2. The phases")
            && Position("2. The phases") < Position("3. Ablations") && Position("3. Ablations") < Position("4. Failures")
            && Position("4. Failures") < Position("5. Beyond the report") && Position("5. Beyond the report") < Position("<h2 id=\"provenance\">"));
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(page, "window.__desertsegDefine = window.define"));

        string dom = Reporting.ReportPageTests.RenderedDom(index);
        Assert.Null(Reporting.ReportPageTests.ScriptErrors(dom));
        foreach (var figure in Figures) Assert.True(Reporting.ReportPageTests.Drawn(dom, figure), $"{figure}: no drawn plot in the page");
    }

    [Fact]
    public void WritesEveryTableAndFigure()
    {
        Reporting.ChartImageExportTests.RequireBrowser();
        Assert.True(Passes.First.ExitCode == 0, Passes.First.ToString());
        string Report(params string[] parts) => Path.Combine([Passes.FirstReport, .. parts]);
        foreach (var table in Tables)
        {
            Assert.True(File.Exists(Report("tables", table + ".md")), $"{table}.md missing");
            Assert.True(File.Exists(Report("tables", table + ".csv")), $"{table}.csv missing");
        }
        foreach (var figure in Figures)
        {
            Assert.True(new FileInfo(Report("figures", figure + ".png")).Length > 5000, $"{figure}.png missing or empty");
            Assert.Contains("Plotly.newPlot", File.ReadAllText(Report("figures", figure + ".html")));
        }
        Assert.True(File.Exists(Report("figures", "figure8-failures-1.png")));
        Assert.True(File.Exists(Report("figures", "figure9-successes-1.png")));
        Assert.True(File.Exists(Report("figures", "adaptation-rocks-1.png")));
        string index = File.ReadAllText(Report("index.html"));
        Assert.All(Tables.Concat(Figures), name => Assert.Contains(name, index));
        // The page links every notebook's executed page (made by reproduce --notebooks or desertseg notebook NN).
        Assert.Contains("href=\"notebooks/07-phase5-seven-class.html\"", index);
    }

    /// <summary>The numbers come from the runs: training hours from the run histories, test scores from the scores saved
    /// in the run folders, parameters from the model.</summary>
    [Fact]
    public void ReportTablesCarryTheNumbersOfTheirRuns()
    {
        Assert.True(Passes.First.ExitCode == 0, Passes.First.ToString());
        var runs = ReportRuns();
        var table10 = Csv(Path.Combine(Passes.FirstReport, "tables", "table10-diminishing-returns.csv"));
        double p3Hours = runs["3"].ReadHistory().Sum(h => h.Seconds) / 3600;
        Assert.Equal(Math.Round(p3Hours, 3),
            double.Parse(table10.Single(r => r[0].StartsWith("Phase 3"))[1], CultureInfo.InvariantCulture), 3);
        var table8 = Csv(Path.Combine(Passes.FirstReport, "tables", "table8-ablation.csv"));
        double p5Test = double.Parse(table8.Single(r => r[0].StartsWith("Phase 5: ")).ElementAt(2), CultureInfo.InvariantCulture);
        Assert.Contains(Math.Round(p5Test, 4), SavedTestScores(runs["5"]));
        var table6 = File.ReadAllText(Path.Combine(Passes.FirstReport, "tables", "table6-final-model.md"));
        // resnet18-imagenet with 7 classes: smp's ResNet-18 DeepLabV3+ (12,330,839) plus the third layer4 block
        // of the ImageNet model (two 3x3 512->512 convs, 2 x 2,359,296, and two BatchNorms, 2 x 1,024).
        Assert.Contains("17,051,479", table6);
    }

    /// <summary>Source-only and oracle lines are the scores saved in their run folders; the gap closed of a method is
    /// (method - source) / (oracle - source) of the table's own numbers; one line per method of the smoke line-up.</summary>
    [Fact]
    public void AdaptationTableIsTheRunsScores()
    {
        Assert.True(Passes.First.ExitCode == 0, Passes.First.ToString());
        var runs = ReportRuns();
        var adaptation = Csv(Path.Combine(Passes.FirstReport, "tables", "adaptation-table.csv"));
        double Test(string method) => double.Parse(adaptation.Single(r => r[0] == method)[2], CultureInfo.InvariantCulture);
        Assert.Contains(Test("Source only"), SavedTestScores(runs["5"]));
        Assert.Contains(Test("Oracle"), SavedTestScores(runs["5-oracle"]));
        double gap = double.Parse(adaptation.Single(r => r[0] == "AdaBN")[3], CultureInfo.InvariantCulture);
        // The table prints mIoU to 4 decimals and computes the gap from unrounded scores: a smoke oracle barely above
        // source-only magnifies that rounding, so the bound is what +-0.00005 on each of the three scores can move the
        // ratio, plus the gap's own rounding to 2 decimals.
        double closed = Test("AdaBN") - Test("Source only"), whole = Test("Oracle") - Test("Source only");
        double bound = 1e-4 * (1 + Math.Abs(closed / whole)) / Math.Abs(whole) + 0.005 + 1e-9;
        Assert.InRange(gap, closed / whole - bound, closed / whole + bound);
        Assert.Equal(Lab.Studies.LabLines.LineUp("smoke").Count, adaptation.Count - 1);
    }

    /// <summary>
    /// The first pass trains the plan in child processes, two at once on this machine's 2 cores: every run of the plan
    /// starts once, and after the runs it starts from have ended; the job itself then trains nothing.
    /// </summary>
    [Fact]
    public void ThePlan_TrainsEachRunOnce_InChildProcesses_ParentsFirst()
    {
        Assert.True(Passes.First.ExitCode == 0, Passes.First.ToString());
        var lines = Passes.First.Output.Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        int Index(string pattern) => lines.FindIndex(l => System.Text.RegularExpressions.Regex.IsMatch(l, pattern));
        var started = lines.Select(l => System.Text.RegularExpressions.Regex.Match(l, @"^\[\d+:\d+\] (\S+): starting \(slot (\d)\)$"))
            .Where(m => m.Success).Select(m => (Id: m.Groups[1].Value, Slot: int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture)))
            .ToList();
        Assert.Contains(started, s => s.Id == "3-s42");
        Assert.Contains(started, s => s.Id == "5-oracle-s42");
        Assert.All(started.GroupBy(s => s.Id), g => Assert.True(g.Count() == 1, $"{g.Key} started {g.Count()} times"));
        Assert.Equal([1, 2], started.Select(s => s.Slot).Distinct().Order());
        // Phase 5 starts after Phase 3's child has printed its test score (its last line).
        Assert.True(Index(@"^\[\d+:\d+\] 3-s42: phase3-smoke: test mIoU") < Index(@"^\[\d+:\d+\] 5-s42: starting"));
        // Nothing is trained by the job itself: every training line comes from a child.
        Assert.DoesNotContain(lines, l => System.Text.RegularExpressions.Regex.IsMatch(l, @"^\[\d+:\d+\] \S+: (trained|resumed) \("));
    }

    /// <summary>The second pass trains, adapts and scores nothing: every run's files are as the first pass left them,
    /// and its tables are the first pass's (but for measured speeds).</summary>
    [Fact]
    public void SecondPassReusesEveryRunScoreAndAdaptedCheckpoint()
    {
        Assert.True(Passes.Second.ExitCode == 0, Passes.Second.ToString());
        Assert.Equal(Passes.RunFilesBefore.Keys.Order(), Passes.RunFilesAfter.Keys.Order());
        Assert.All(Passes.RunFilesBefore, f => Assert.True(f.Value == Passes.RunFilesAfter[f.Key], $"{f.Key} was written again"));
        Assert.Contains(Passes.RunFilesBefore.Keys, f => f.Contains($"{Path.DirectorySeparatorChar}adapted{Path.DirectorySeparatorChar}"));
        Assert.Contains(Passes.RunFilesBefore.Keys,
            f => f.Contains($"{Path.DirectorySeparatorChar}evaluations{Path.DirectorySeparatorChar}"));
        // Every table but Tables 6 and 10, whose speed columns are measured anew on each pass.
        foreach (var table in Tables.Where(t => t is not ("table6-final-model" or "table10-diminishing-returns")))
            Assert.Equal(File.ReadAllText(Path.Combine(Passes.FirstReport, "tables", table + ".csv")),
                File.ReadAllText(Path.Combine(Passes.SecondReport, "tables", table + ".csv")));
    }

    /// <summary>Without a browser the job still finishes: HTML figures, no PNG charts, and one notice before any work.</summary>
    [Fact]
    public void WithoutABrowserFiguresAreHtmlOnly_WithOneNoticeUpFront()
    {
        Assert.True(Passes.Second.ExitCode == 0, Passes.Second.ToString());
        Assert.All(Figures, f => Assert.True(File.Exists(Path.Combine(Passes.SecondReport, "figures", f + ".html")), f));
        Assert.All(Figures, f => Assert.False(File.Exists(Path.Combine(Passes.SecondReport, "figures", f + ".png")), f));
        const string notice = "PNG/SVG export needs one";
        Assert.Equal(1, Count(Passes.Second.Output, notice));
        Assert.True(Passes.Second.Output.IndexOf(notice, StringComparison.Ordinal)
            < Passes.Second.Output.IndexOf("[00:", StringComparison.Ordinal));
    }

    /// <summary>The report's runs by phase (the multi-environment lines keep their runs in the same folder,
    /// on their own data set).</summary>
    private Dictionary<string, RunDirectory> ReportRuns() => new RunStore(fixture.RunsFolder).List()
        .Where(r => r.ReadDataset()?.Root == Path.GetFullPath(fixture.DataPath)).ToDictionary(r => r.ReadConfig().Phase);

    private static int Count(string text, string what) => (text.Length - text.Replace(what, "").Length) / what.Length;

    private static List<string[]> Csv(string path) => File.ReadAllLines(path).Select(l => l.Split(',')).ToList();

    private static IEnumerable<double> SavedTestScores(RunDirectory run) =>
        Directory.GetFiles(Path.Combine(run.Path, "evaluations"), "*.json")
            .Select(f => JsonDocument.Parse(File.ReadAllText(f)).RootElement)
            .Where(e => e.GetProperty("Split").GetString() == "test")
            .Select(e => ConfusionMatrix.FromCounts(7, e.GetProperty("Counts").EnumerateArray().Select(c => c.GetInt64()).ToList())
                .Metrics().MeanIoU)
            .Select(m => Math.Round(m, 4));
}
