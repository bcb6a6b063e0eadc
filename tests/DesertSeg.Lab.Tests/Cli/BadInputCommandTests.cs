using DesertSeg.Lab.Tests.Adaptation;
using DesertSeg.Lab.Tests.Inference;

namespace DesertSeg.Lab.Tests.Cli;

/// <summary>A 0-byte image in a folder given to predict or adapt: one line naming the file, exit code 1, nothing written.</summary>
public class BadInputCommandTests(TinyModel model) : IClassFixture<TinyModel>
{
    [Trait(Tier.Category, Tier.Slow)]
    [Fact]
    public void EmptyImage_IsNamed_AndNothingIsWritten()
    {
        using var dir = new TempFolder();
        string input = TestTimeAdaptationTests.WriteImages(dir, 2);
        string empty = Path.Combine(input, "t999.png");
        File.WriteAllBytes(empty, []);
        string output = dir.Combine("out");

        var predict = CliRunner.Run("predict", "--checkpoint", model.RunFolder, "--input", input, "--out", output, "--device", "cpu");
        var adapt = CliRunner.Run("adapt", "--method", "adabn", "--checkpoint", model.RunFolder, "--target", input,
            "--data", model.Data, "--out", Path.Combine(output, "adabn.safetensors"));

        foreach (var result in new[] { predict, adapt })
        {
            Assert.Equal(1, result.ExitCode);
            Assert.Contains($"error: {empty}: the file is empty (0 bytes).", result.Output);
            Assert.DoesNotContain("   at ", result.Output);
            Assert.DoesNotContain("Empty span", result.Output);
        }
        Assert.False(Directory.Exists(output), "output was written although the input was bad");
    }
}
