using DesertSeg.Lab.Tests.Training;
using DesertSeg.Lab.Training;

namespace DesertSeg.Lab.Tests.Cli;

[Collection(TrainingCollection.Name)]
public class TrainCommandTests(TrainingFixture fixture)
{
    [Fact]
    public void TrainsThenReusesTheFinishedRun()
    {
        string runs = fixture.NewRunsFolder();
        string[] args = ["train", "--phase", "3", "--scale", "smoke", "--epochs", "1", "--data", fixture.Data.Root, "--runs", runs, "--workers", "1"];

        var first = CliRunner.Run(args);
        var second = CliRunner.Run(args);

        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.Contains("epoch   0:", first.Output);
        Assert.Contains("phase3-smoke: trained", first.Output);
        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.Contains("already trained (reused", second.Output);
        Assert.DoesNotContain("epoch   0:", second.Output);
        var run = Assert.Single(new RunStore(runs).List());
        Assert.Equal(RunState.Finished, run.ReadStatus()!.State);
    }

    [Fact]
    public void BadArgumentsAreClearErrors()
    {
        var phase = CliRunner.Run("train", "--phase", "9", "--data", fixture.Data.Root);
        var resume = CliRunner.Run("train", "--phase", "5", "--resume", "/no/such/run");

        Assert.NotEqual(0, phase.ExitCode);
        Assert.Contains("Unknown phase '9'", phase.Output);
        Assert.NotEqual(0, resume.ExitCode);
        Assert.Contains("/no/such/run", resume.Output);
        Assert.DoesNotContain("   at ", phase.Output + resume.Output);
    }
}
