using DesertSeg.Lab.Estimation;
using DesertSeg.Lab.Tests.Adaptation;
using DesertSeg.Lab.Tests.Inference;

namespace DesertSeg.Lab.Tests.Cli;

/// <summary>`desertseg estimate`: every estimator on unlabelled images with its interval; bad input fails in one line.</summary>
public class EstimateCommandTests(TinyModel model) : IClassFixture<TinyModel>
{
    [Trait(Tier.Category, Tier.Slow)]
    [Fact]
    public void EstimatesEveryEstimator_EndsWithTheDefaultsLine_AndWritesItsFiles()
    {
        using var dir = new TempFolder();
        string target = TestTimeAdaptationTests.WriteImages(dir, TargetEstimation.MinimumImages);
        string output = dir.Combine("estimate");

        var result = CliRunner.Run("estimate", "--checkpoint", model.RunFolder, "--target", target, "--data", model.Data,
            "--out", output, "--device", "cpu");

        Assert.True(result.ExitCode == 0, result.ToString());
        foreach (var name in LabelFreeEstimators.Names) Assert.Contains($"| {name} |", result.Output);
        string last = result.Output.TrimEnd().Split('\n')[^1];
        Assert.Matches(@"^estimated mIoU: [01]\.\d{4} \[[01]\.\d{4}, [01]\.\d{4}\] \(expected-confusion\+tested-em\)$", last.Trim());
        // A smoke-scale model has no measured margin: the output says the interval is the bootstrap's alone.
        Assert.Contains("sampling spread only", result.Output);
        Assert.True(File.Exists(Path.Combine(output, "estimate.json")));
        Assert.Equal(LabelFreeEstimators.Names.Count + 1, File.ReadAllLines(Path.Combine(output, "estimate.csv")).Length);
    }

    [Trait(Tier.Category, Tier.Slow)]
    [Fact]
    public void BadTargetsAndCheckpoints_FailInOneLine_AndWriteNothing()
    {
        using var dir = new TempFolder();
        string output = dir.Combine("estimate");
        void AssertCleanFailure(ChildProcess.Result result, params string[] expected)
        {
            Assert.True(result.ExitCode != 0, result.ToString());
            foreach (var text in expected) Assert.Contains(text, result.Output);
            Assert.DoesNotContain("   at ", result.Output);
            Assert.False(Directory.Exists(output), "an output folder was written although estimation failed");
        }
        ChildProcess.Result Estimate(string checkpoint, string target) => CliRunner.Run("estimate", "--checkpoint", checkpoint,
            "--target", target, "--data", model.Data, "--out", output, "--device", "cpu");

        string few = TestTimeAdaptationTests.WriteImages(dir, TargetEstimation.MinimumImages - 1, "few");
        AssertCleanFailure(Estimate(model.RunFolder, few), few, "holds 7 target images", "at least 8");

        string empty = dir.Combine("empty");
        Directory.CreateDirectory(empty);
        AssertCleanFailure(Estimate(model.RunFolder, empty), empty, "no target images");

        string broken = TestTimeAdaptationTests.WriteImages(dir, TargetEstimation.MinimumImages, "broken");
        string bad = Path.Combine(broken, "t003.png");
        File.WriteAllText(bad, "not an image");
        AssertCleanFailure(Estimate(model.RunFolder, broken), bad, "cannot be decoded as an image");

        string fiveClasses = dir.Combine("five.safetensors");
        using (var five = Lab.Models.DeepLabV3Plus.Create(new Lab.Models.ModelConfig("resnet18", 5)))
            Lab.Checkpoints.ModelCheckpoints.ExportSafetensors(five, fiveClasses);
        string target = TestTimeAdaptationTests.WriteImages(dir, TargetEstimation.MinimumImages, "good");
        AssertCleanFailure(Estimate(fiveClasses, target), fiveClasses, "5 output classes");
    }
}
