using DesertSeg.Lab.Tests.Training;
using DesertSeg.Lab.Training;
using DesertSeg.Lab.Tests;

namespace DesertSeg.Lab.Tests.Cli;

[Collection(TrainingCollection.Name)]
public class TrainCommandTests(TrainingFixture fixture)
{
    [Trait(Tier.Category, Tier.Slow)]
    [Fact]
    public void TrainsThenReusesTheFinishedRun()
    {
        string runs = fixture.NewRunsFolder();
        string[] args = ["train", "--phase", "3", "--scale", "smoke", "--epochs", "1", "--data", fixture.Data.Root,
            "--runs", runs, "--workers", "1"];

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

    [Trait(Tier.Category, Tier.Slow)]
    [Fact]
    public void ResumeRunsAsTheReadmeShowsIt()
    {
        // The README's command line after "--", with its placeholder run name.
        string readme = File.ReadAllText(Path.Combine(Lab.Workspace.Root, "README.md"));
        string line = readme.Split('\n').Single(l => l.Contains("-- train --resume "));
        var args = line[(line.IndexOf("-- train", StringComparison.Ordinal) + 3)..].Split('#')[0]
            .Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["train", "--resume"], args[..2]);
        Assert.StartsWith("runs/", args[2]);

        string work = fixture.NewRunsFolder();
        var config = TrainingFixture.Tiny(epochs: 2, trainImages: 8, valImages: 4);
        var run = new RunDirectory(Path.Combine(work, "runs", config.Name + "-readme"));
        new Trainer(config, fixture.Data, run, new TrainingOptions(Device: TorchSharp.torch.CPU, Workers: 1, StopAfterEpochs: 1)).Train();
        Assert.Equal(RunState.Running, run.ReadStatus()!.State);

        args[2] = "runs/" + run.Name;
        var result = ChildProcess.Run("dotnet", [Path.Combine(AppContext.BaseDirectory, "desertseg.dll"), .. args], workingDirectory: work,
            environment: new Dictionary<string, string?> { ["COLUMNS"] = "200", ["DESERTSEG_DEBUG"] = null });

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("resumed and finished", result.Output);
        // A run left "running" (killed, or a native signal) is said to have ended without a word.
        Assert.Contains("ended without finishing or saying why after 1 complete epoch(s)", result.Output);
        Assert.Equal(RunState.Finished, run.ReadStatus()!.State);
        Assert.Equal([0, 1], run.ReadHistory().Select(h => h.Epoch));
    }

    [Fact]
    public void BadArgumentsAreClearErrors()
    {
        var phase = CliRunner.Run("train", "--phase", "9", "--data", fixture.Data.Root);
        var resume = CliRunner.Run("train", "--phase", "5", "--resume", "/no/such/run");
        var neither = CliRunner.Run("train", "--data", fixture.Data.Root);

        Assert.NotEqual(0, phase.ExitCode);
        Assert.Contains("Unknown phase '9'", phase.Output);
        Assert.NotEqual(0, resume.ExitCode);
        Assert.Contains("/no/such/run", resume.Output);
        Assert.NotEqual(0, neither.ExitCode);
        Assert.Contains("--resume", neither.Output);
        Assert.DoesNotContain("   at ", phase.Output + resume.Output + neither.Output);
    }
}
