using DesertSeg.Lab.Adaptation;
using DesertSeg.Lab.Data;
using DesertSeg.Lab.Inference;
using DesertSeg.Lab.Tests.Adaptation;
using DesertSeg.Lab.Tests.Data;
using DesertSeg.Lab.Tests.Inference;

namespace DesertSeg.Lab.Tests.Cli;

/// <summary>`desertseg adapt`: an adapted checkpoint that eval takes as it is; bad input fails cleanly and writes nothing.</summary>
public class AdaptCommandTests(TinyModel model) : IClassFixture<TinyModel>
{
    private static void AssertCleanFailure(ChildProcess.Result result, string output, params string[] expected)
    {
        Assert.True(result.ExitCode != 0, result.ToString());
        foreach (var text in expected) Assert.Contains(text, result.Output);
        Assert.DoesNotContain("   at ", result.Output);
        Assert.False(File.Exists(output), $"{output} was written although adaptation failed");
    }

    [Trait(Tier.Category, Tier.Slow)]
    [Fact]
    public void AdaBnWritesACheckpointThatEvalScoresAtTheSourceInputSize()
    {
        using var dir = new TempFolder();
        string target = TestTimeAdaptationTests.WriteImages(dir, 4);
        string output = dir.Combine("adabn.safetensors");

        var result = CliRunner.Run("adapt", "--method", "adabn", "--checkpoint", model.RunFolder, "--target", target,
            "--data", model.Data, "--out", output, "--device", "cpu");

        Assert.True(result.ExitCode == 0, result.ToString());
        var record = AdaptedCheckpoint.Read(output)!;
        Assert.Equal((TinyModel.Height, TinyModel.Width), (record.Height, record.Width));
        Assert.False(record.Transductive);
        var eval = CliRunner.Run("eval", "--checkpoint", output, "--data", model.Data, "--split", "test", "--device", "cpu");
        Assert.True(eval.ExitCode == 0, eval.ToString());
        Assert.Contains("AdaBN", eval.Output);
    }

    [Trait(Tier.Category, Tier.Slow)]
    [Fact]
    public void BadTargetsFailCleanly_AndWriteNothing()
    {
        using var dir = new TempFolder();
        string output = dir.Combine("out.safetensors");
        string missing = dir.Combine("no-such-folder");
        AssertCleanFailure(CliRunner.Run("adapt", "--method", "tent", "--checkpoint", model.RunFolder, "--target", missing,
            "--data", model.Data, "--out", output), output, missing, "not found");

        // Target images that are the test images themselves: refused unless --transductive.
        string testImages = Path.Combine(FalconFixture.TestFolder(model.Data), FalconLayout.Images);
        AssertCleanFailure(CliRunner.Run("adapt", "--method", "adabn", "--checkpoint", model.RunFolder, "--target", testImages,
            "--data", model.Data, "--out", output), output, "scored split", "--transductive");

        AssertCleanFailure(CliRunner.Run("adapt", "--method", "fda", "--checkpoint", model.RunFolder, "--target", testImages,
            "--data", model.Data, "--out", output, "--transductive"), output, "Unknown test-time method 'fda'", "5-fda");

        // A checkpoint of a class scheme the workspace does not know (5 outputs).
        string fiveClasses = dir.Combine("five.safetensors");
        using (var five = Lab.Models.DeepLabV3Plus.Create(new Lab.Models.ModelConfig("resnet18", 5)))
            Lab.Checkpoints.ModelCheckpoints.ExportSafetensors(five, fiveClasses);
        string target = TestTimeAdaptationTests.WriteImages(dir, 2);
        AssertCleanFailure(CliRunner.Run("adapt", "--method", "adabn", "--checkpoint", fiveClasses, "--target", target,
            "--data", model.Data, "--out", output), output, fiveClasses, "5 output classes");
    }
}
