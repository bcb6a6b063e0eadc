using DesertSeg.Lab.Data;
using DesertSeg.Lab.Tests.Data;
using OpenCvSharp;

namespace DesertSeg.Lab.Tests.Cli;

/// <summary>The audit command on good and bad input: clear messages naming files, exit codes, no stack traces.</summary>
public class AuditCommandTests
{
    private static void AssertCleanFailure(ChildProcess.Result result, params string[] expected)
    {
        Assert.True(result.ExitCode != 0, result.ToString());
        foreach (var text in expected) Assert.Contains(text, result.Output);
        Assert.DoesNotContain("   at ", result.Output); // no stack trace
        Assert.DoesNotContain("Exception", result.Output);
    }

    [Fact]
    public void GoodDataSetPassesAndWritesTables()
    {
        using var dir = new TempFolder();
        FalconFixture.WriteSmall(dir.Path);
        string outDir = dir.Combine("audit");

        var result = CliRunner.Run("audit", "--data", dir.Path, "--out", outDir);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("Ground Clutter", result.Output);
        Assert.Contains("Absent", result.Output);
        Assert.True(File.Exists(Path.Combine(outDir, "table1-class-distribution.csv")));
        Assert.Contains("<script", File.ReadAllText(Path.Combine(outDir, "figure3-class-distribution.html")));
    }

    [Fact]
    public void MissingFolder()
    {
        string missing = Path.Combine(Path.GetTempPath(), "absent-" + Guid.NewGuid().ToString("N"));
        AssertCleanFailure(CliRunner.Run("audit", "--data", missing), missing, "not found");
    }

    [Fact]
    public void EmptyFolder()
    {
        using var dir = new TempFolder();
        AssertCleanFailure(CliRunner.Run("audit", "--data", dir.Path), dir.Path, "no data set found");
    }

    [Fact]
    public void UnpairedCorruptEightBitAndMismatchedFilesAreAllNamed()
    {
        using var dir = new TempFolder();
        FalconFixture.WriteSmall(dir.Path);
        string train = FalconFixture.TrainFolder(dir.Path);
        var (img, mask) = FalconFixture.Sample(16, 9, 5, 100);
        FalconFixture.WritePair(train, "cc0000050", img, null);                                     // image without mask
        Lab.IO.MaskFiles.WriteRaw(Path.Combine(train, FalconLayout.Masks, "cc0000051.png"), mask); // mask without image
        File.WriteAllText(Path.Combine(train, FalconLayout.Images, "cc0000001.png"), "not a png"); // corrupt image
        using (var eight = new Mat(9, 16, MatType.CV_8UC1, new Scalar(39)))                         // 8-bit mask
            Cv2.ImWrite(Path.Combine(train, FalconLayout.Masks, "cc0000002.png"), eight);
        string test = FalconFixture.TestFolder(dir.Path);                                           // size mismatch
        Lab.IO.MaskFiles.WriteRaw(Path.Combine(test, FalconLayout.Masks, "0000060.png"), new Lab.Data.RawMask(4, 4, new ushort[16]));

        var result = CliRunner.Run("audit", "--data", dir.Path);

        AssertCleanFailure(result, "cc0000050.png", "has no mask", "cc0000051.png", "has no image",
            "cc0000001.png", "cannot be decoded", "cc0000002.png", "8-bit", "0000060.png", "4x4");
    }

    [Fact]
    public void HelpIsAvailableEverywhere()
    {
        foreach (var args in new[] { new[] { "--help" }, new[] { "audit", "--help" } })
        {
            var result = CliRunner.Run(args);
            Assert.True(result.ExitCode == 0, result.ToString());
            Assert.Contains("Usage", result.Output);
        }
    }
}
