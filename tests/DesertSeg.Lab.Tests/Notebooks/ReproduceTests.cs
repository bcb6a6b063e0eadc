using System.Globalization;
using System.Text.Json;
using DesertSeg.Lab.Evaluation;
using DesertSeg.Lab.Tests.Cli;
using DesertSeg.Lab.Training;

namespace DesertSeg.Lab.Tests.Notebooks;

/// <summary>`reproduce` at smoke scale writes every table and figure from its own runs, and a second pass reuses them.</summary>
[Collection(SmokeStudyCollection.Name)]
public class ReproduceTests(SmokeStudyFixture fixture)
{
    private static readonly string[] Tables =
    [
        "table1-class-distribution", "table2-absent-classes", "table6-final-model", "table7-per-class-iou",
        "table8-ablation", "table9-failed-ideas", "table10-diminishing-returns", "adaptation-table",
    ];

    private static readonly string[] Figures =
    [
        "figure2-rgb-histograms", "figure3-class-distribution", "figure5-loss", "figure5-miou", "figure5-learning-rate",
        "figure6-val-vs-test", "figure7-ablation", "confusion-phase3-test", "confusion-phase5-test",
        "adaptation-per-class", "adaptation-gap-closed",
    ];

    [Fact]
    public void WritesEveryTableAndFigureFromItsRunsThenReusesThem()
    {
        Reporting.ChartImageExportTests.RequireBrowser();
        using var output = new TempFolder("desertseg-report");
        string[] args = ["reproduce", "--scale", "smoke", "--data", fixture.DataPath, "--runs", fixture.RunsFolder, "--out", output.Path];

        var first = CliRunner.Run(args);

        Assert.True(first.ExitCode == 0, first.ToString());
        foreach (var table in Tables)
        {
            Assert.True(File.Exists(output.Combine("tables", table + ".md")), $"{table}.md missing");
            Assert.True(File.Exists(output.Combine("tables", table + ".csv")), $"{table}.csv missing");
        }
        foreach (var figure in Figures)
        {
            Assert.True(new FileInfo(output.Combine("figures", figure + ".png")).Length > 5000, $"{figure}.png missing or empty");
            Assert.Contains("Plotly.newPlot", File.ReadAllText(output.Combine("figures", figure + ".html")));
        }
        Assert.True(File.Exists(output.Combine("figures", "figure8-failures-1.png")));
        Assert.True(File.Exists(output.Combine("figures", "figure9-successes-1.png")));
        Assert.True(File.Exists(output.Combine("figures", "adaptation-rocks-1.png")));
        string index = File.ReadAllText(output.Combine("index.html"));
        Assert.All(Tables.Concat(Figures), name => Assert.Contains(name, index));

        // The numbers come from the runs: training hours from the run histories, test scores from the
        // scores saved in the run folders, parameters from the model.
        var store = new RunStore(fixture.RunsFolder);
        // (The multi-environment lines keep their runs in the same folder, on their own data set.)
        var runs = store.List().Where(r => r.ReadDataset()?.Root == Path.GetFullPath(fixture.DataPath)).ToDictionary(r => r.ReadConfig().Phase);
        var table10 = Csv(output.Combine("tables", "table10-diminishing-returns.csv"));
        double p3Hours = runs["3"].ReadHistory().Sum(h => h.Seconds) / 3600;
        Assert.Equal(Math.Round(p3Hours, 3), double.Parse(table10.Single(r => r[0].StartsWith("Phase 3"))[1], CultureInfo.InvariantCulture), 3);
        var table8 = Csv(output.Combine("tables", "table8-ablation.csv"));
        double p5Test = double.Parse(table8.Single(r => r[0].StartsWith("Phase 5: ")).ElementAt(2), CultureInfo.InvariantCulture);
        Assert.Contains(Math.Round(p5Test, 4), SavedTestScores(runs["5"]));
        var table6 = File.ReadAllText(output.Combine("tables", "table6-final-model.md"));
        // resnet18-imagenet with 7 classes: smp's ResNet-18 DeepLabV3+ (12,330,839) plus the third layer4 block
        // of the ImageNet model (two 3x3 512->512 convs, 2 x 2,359,296, and two BatchNorms, 2 x 1,024).
        Assert.Contains("17,051,479", table6);
        // The adaptation table: source-only and oracle lines are the scores saved in their run folders, and the gap
        // closed of a method is (method - source) / (oracle - source) of the table's own numbers.
        var adaptation = Csv(output.Combine("tables", "adaptation-table.csv"));
        double Test(string method) => double.Parse(adaptation.Single(r => r[0] == method)[2], CultureInfo.InvariantCulture);
        Assert.Contains(Test("Source only"), SavedTestScores(runs["5"]));
        Assert.Contains(Test("Oracle"), SavedTestScores(runs["5-oracle"]));
        double gap = double.Parse(adaptation.Single(r => r[0] == "AdaBN")[3], CultureInfo.InvariantCulture);
        Assert.Equal((Test("AdaBN") - Test("Source only")) / (Test("Oracle") - Test("Source only")), gap, 2);
        Assert.Equal(Lab.Studies.AdaptationStudy.MethodsAt("smoke").Count, adaptation.Count - 1);

        // The second pass checks reuse, and that without a browser the job still finishes: HTML figures, no PNG charts,
        // one notice up front (one pass for both: each pass costs as much as scoring everything from the caches).
        using var noBrowser = new TempFolder("desertseg-report-nobrowser");
        string[] noBrowserArgs = ["reproduce", "--scale", "smoke", "--data", fixture.DataPath, "--runs", fixture.RunsFolder, "--out", noBrowser.Path];
        var second = ChildProcess.Run("dotnet", [Path.Combine(AppContext.BaseDirectory, "desertseg.dll"), .. noBrowserArgs],
            environment: new Dictionary<string, string?> { ["COLUMNS"] = "200", ["DESERTSEG_CHROMIUM"] = "none" });

        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.DoesNotContain("epoch   0:", second.Output);          // nothing retrained
        Assert.True(Count(second.Output, ": reused (") >= ReportPhases, second.Output);
        Assert.DoesNotContain(": scored ", second.Output);            // every score read back from the run folders
        Assert.DoesNotContain("target images ->", second.Output);     // adapted checkpoints reused, not adapted again
        Assert.Equal(1, Count(second.Output, "PNG/SVG export needs one"));
        Assert.True(second.Output.IndexOf("PNG/SVG export needs one", StringComparison.Ordinal) < second.Output.IndexOf(": reused (", StringComparison.Ordinal));
        Assert.All(Figures, f => Assert.True(File.Exists(noBrowser.Combine("figures", f + ".html")), f));
        Assert.All(Figures, f => Assert.False(File.Exists(noBrowser.Combine("figures", f + ".png")), f));
        Assert.Equal(File.ReadAllText(output.Combine("tables", "adaptation-table.csv")), File.ReadAllText(noBrowser.Combine("tables", "adaptation-table.csv")));
    }

    private static int ReportPhases => Lab.Studies.ReportWriter.Phases.Length;

    private static int Count(string text, string what) => (text.Length - text.Replace(what, "").Length) / what.Length;

    private static List<string[]> Csv(string path) => File.ReadAllLines(path).Select(l => l.Split(',')).ToList();

    private static IEnumerable<double> SavedTestScores(RunDirectory run) =>
        Directory.GetFiles(Path.Combine(run.Path, "evaluations"), "*.json")
            .Select(f => JsonDocument.Parse(File.ReadAllText(f)).RootElement)
            .Where(e => e.GetProperty("Split").GetString() == "test")
            .Select(e => ConfusionMatrix.FromCounts(7, e.GetProperty("Counts").EnumerateArray().Select(c => c.GetInt64()).ToList()).Metrics().MeanIoU)
            .Select(m => Math.Round(m, 4));
}
