using DesertSeg.Lab.Data;
using DesertSeg.Lab.IO;
using DesertSeg.Lab.Tests.Data;
using DesertSeg.Lab.Tests.Inference;

namespace DesertSeg.Lab.Tests.Cli;

/// <summary>predict, eval and bench through the real command line, on a tiny random-weight run folder.</summary>
public class EvaluationCommandTests(TinyModel model) : IClassFixture<TinyModel>
{
    private static void AssertCleanFailure(ChildProcess.Result result, params string[] expected)
    {
        Assert.True(result.ExitCode != 0, result.ToString());
        foreach (var text in expected) Assert.Contains(text, result.Output);
        Assert.DoesNotContain("   at ", result.Output);
        Assert.DoesNotContain("Exception", result.Output);
    }

    [Trait(Tier.Category, Tier.Slow)]
    [Fact]
    public void PredictWritesRawColourOverlayAndComparisons()
    {
        string output = model.Combine("pred-" + Guid.NewGuid().ToString("N")[..6]);

        var result = CliRunner.Run("predict", "--checkpoint", model.RunFolder, "--input", model.Data, "--out", output, "--tta");

        Assert.True(result.ExitCode == 0, result.ToString());
        var test = FalconDataset.Open(model.Data)["test"];
        foreach (var pair in test.Pairs)
        {
            var raw = MaskFiles.ReadRaw(Path.Combine(output, "raw", pair.Id + ".png")); // 16-bit, or it would throw
            Assert.Equal((16, 9), (raw.Width, raw.Height));
            Assert.All(raw.Values.Distinct(), v => Assert.Contains(v, ClassScheme.SevenClass.Classes.Select(c => c.RawValue)));
            foreach (var folder in new[] { "color", "overlay", "compare" })
                Assert.True(File.Exists(Path.Combine(output, folder, pair.Id + ".png")), $"{folder}/{pair.Id}.png");
        }

        // The predictions score like any folder of masks.
        var eval = CliRunner.Run("eval", "--pred", output, "--gt", FalconFixture.TestFolder(model.Data), "--scheme", "7-class");
        Assert.True(eval.ExitCode == 0, eval.ToString());
        Assert.Contains("mIoU", eval.Output);
    }

    [Trait(Tier.Category, Tier.Slow)]
    [Fact]
    public void PredictOnImagesAloneHasNoComparisonsAndNeedsNamedSuppression()
    {
        string images = Path.Combine(FalconFixture.TestFolder(model.Data), FalconLayout.Images);
        string output = model.Combine("pred-" + Guid.NewGuid().ToString("N")[..6]);

        var ok = CliRunner.Run("predict", "--checkpoint", model.RunFolder, "--input", images, "--out", output, "--suppress", "Rocks");
        var absent = CliRunner.Run("predict", "--checkpoint", model.RunFolder, "--input", images, "--out", output, "--suppress", "absent");

        Assert.True(ok.ExitCode == 0, ok.ToString());
        Assert.False(Directory.Exists(Path.Combine(output, "compare")));
        Assert.DoesNotContain((ushort)800, MaskFiles.ReadRaw(Path.Combine(output, "raw", "0000060.png")).Values);
        AssertCleanFailure(absent, "--suppress absent needs ground-truth masks", "name them instead");
    }

    [Trait(Tier.Category, Tier.Slow)]
    [Fact]
    public void EvalScoresAModelOnValAndTestAndWritesTheReport()
    {
        string output = model.Combine("eval-" + Guid.NewGuid().ToString("N")[..6]);

        var result = CliRunner.Run("eval", "--checkpoint", model.RunFolder, "--data", model.Data, "--split", "val,test",
            "--out", output, "--worst", "1", "--best", "1");
        var input = CliRunner.Run("eval", "--checkpoint", model.RunFolder, "--data", model.Data, "--protocol", "input-size");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("native resolution", result.Output);
        Assert.Contains("Table 7", result.Output);
        foreach (var file in new[] { "test-per-class.csv", "test-confusion.html", "test-worst.html", "table7-val-vs-test.md",
            "figure6-val-vs-test.html" })
            Assert.True(File.Exists(Path.Combine(output, file)), file);
        Assert.True(input.ExitCode == 0, input.ToString());
        Assert.Contains("original's protocol", input.Output);
    }

    [Fact]
    public void EvalOfAFolderAgainstItselfIsPerfect()
    {
        string gt = FalconFixture.TestFolder(model.Data);

        var result = CliRunner.Run("eval", "--pred", Path.Combine(gt, FalconLayout.Masks), "--gt", gt);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("mIoU 1.0000", result.Output);
    }

    [Fact]
    public void EvalBadInputsAreClearErrors()
    {
        using var dir = new TempFolder();
        var (_, mask) = FalconFixture.Sample(16, 9, 0, 10000, 800);
        MaskFiles.WriteRaw(dir.Combine("gt", "a.png"), mask);
        MaskFiles.WriteRaw(dir.Combine("gt", "b.png"), mask);
        MaskFiles.WriteRaw(dir.Combine("pred", "a.png"), mask);

        AssertCleanFailure(CliRunner.Run("eval", "--pred", dir.Combine("pred"), "--gt", dir.Combine("gt")),
            dir.Combine("gt", "b.png"), "has no prediction");
        AssertCleanFailure(CliRunner.Run("eval", "--pred", dir.Combine("pred")), "--pred needs --gt");
        AssertCleanFailure(CliRunner.Run("eval", "--checkpoint", dir.Combine("none.safetensors"), "--data", model.Data),
            "none.safetensors", "not found");
    }

    [Trait(Tier.Category, Tier.Slow)]
    [Fact]
    public void BenchPrintsTable6BesideTheReport()
    {
        var result = CliRunner.Run("bench", "--checkpoint", model.RunFolder, "--repeats", "2", "--warmup", "1", "--tta-scales", "1,1.5");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("Table 6", result.Output);
        // The measured model's size (smp's ResNet-18 DeepLabV3+ with 7 classes), beside the report's ResNet-101.
        Assert.Contains("12,330,839", result.Output);
        Assert.Contains("45,671,255", result.Output);
        Assert.Contains("ms/image", result.Output);
        Assert.Contains("hardware differs", result.Output);
    }
}
