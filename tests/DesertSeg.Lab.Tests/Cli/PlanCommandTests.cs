using System.Text.Json;
using DesertSeg.Lab.Tests.Training;

namespace DesertSeg.Lab.Tests.Cli;

/// <summary><c>desertseg plan</c>: its formats and its errors, before anything is trained or submitted.</summary>
[Collection(TrainingCollection.Name)]
public class PlanCommandTests(TrainingFixture fixture)
{
    private static ChildProcess.Result Plan(IReadOnlyDictionary<string, string?>? environment, params string[] args) =>
        ChildProcess.Run("dotnet", [Path.Combine(AppContext.BaseDirectory, "desertseg.dll"), "plan", .. args],
            environment: environment ?? new Dictionary<string, string?> { ["COLUMNS"] = "200", ["DESERTSEG_DEBUG"] = null });

    [Fact]
    public void Json_ListsEveryRunWithItsParentsAndState_AndTheSameTrainLineSlurmRuns()
    {
        string runs = fixture.NewRunsFolder();
        var result = Plan(null, "--scale", "smoke", "--data", fixture.Data.Root, "--runs", runs, "--no-adaptation", "--seeds", "42,43",
            "--format", "json");

        Assert.True(result.ExitCode == 0, result.ToString());
        var plan = JsonDocument.Parse(result.Output).RootElement.GetProperty("runs").EnumerateArray().ToList();
        Assert.Equal(2 * Lab.Studies.ReportWriter.Phases.Length, plan.Count);
        var phase5 = plan.Single(r => r.GetProperty("id").GetString() == "5-s43");
        Assert.Equal(["3-s43"], phase5.GetProperty("waitsFor").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("WaitsForParent", phase5.GetProperty("state").GetString());
        var phase3 = plan.Single(r => r.GetProperty("id").GetString() == "3-s42");
        Assert.Equal("Missing", phase3.GetProperty("state").GetString());
        Assert.StartsWith(Path.Combine(runs, "phase3-smoke-"), phase3.GetProperty("folder").GetString());
        // This data set has no unlabelled target images, which the run selected on a target estimate reads: it says so.
        var selected = plan.Single(r => r.GetProperty("id").GetString() == "5-select-estimate-s42");
        Assert.Equal("CannotStart", selected.GetProperty("state").GetString());
        Assert.Contains("no target images", selected.GetProperty("note").GetString());
        Assert.Equal(["train", "--phase", "3", "--seed", "42", "--scale", "smoke", "--runs", runs, "--score", "test", "--data", fixture.Data.Root],
            phase3.GetProperty("train").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public void ARunsFolderThatCannotBeWritten_IsRefusedNamingIt()
    {
        using var folder = new TempFolder("desertseg-plan");
        string file = Path.Combine(folder.Path, "a-file");
        File.WriteAllText(file, "not a folder");
        string runs = Path.Combine(file, "runs");

        var result = Plan(null, "--scale", "smoke", "--data", fixture.Data.Root, "--runs", runs, "--no-adaptation");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"error: {runs}: the runs folder is not writable", result.Output);
        Assert.DoesNotContain("   at ", result.Output);
    }

    /// <summary>Without sbatch on the PATH the scripts are still written, and the command says where to submit them.</summary>
    [Fact]
    public void Slurm_WithoutSbatchHere_WritesTheScripts_AndSaysHowToSubmit()
    {
        using var folder = new TempFolder("desertseg-plan");
        string scripts = Path.Combine(folder.Path, "slurm"), data = Path.Combine(folder.Path, "data");
        Lab.Data.Synthetic.SyntheticFalconWriter.Write(data,
            new Lab.Data.Synthetic.SyntheticDatasetSpec(8, 4, 2, Seed: 9, Width: 240, Height: 135, TargetCount: 4));

        var result = Plan(new Dictionary<string, string?> { ["COLUMNS"] = "200", ["PATH"] = "/nonexistent" },
            "--scale", "smoke", "--data", data, "--runs", fixture.NewRunsFolder(), "--no-adaptation", "--format", "slurm",
            "--out", scripts);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.True(File.Exists(Path.Combine(scripts, "submit.sh")));
        Assert.Equal(Lab.Studies.ReportWriter.Phases.Length, Directory.GetFiles(Path.Combine(scripts, "jobs"), "*.sbatch").Length);
        Assert.Contains("no sbatch on this machine's PATH", result.Output);
        Assert.Contains($"bash {Path.Combine(scripts, "submit.sh")}", result.Output);
    }

    /// <summary>A full-scale plan without ImageNet weights says so in the table, and writes no scripts to submit.</summary>
    [Fact]
    public void FullScale_WithoutEncoderWeights_SaysSo_AndWritesNoScripts()
    {
        using var folder = new TempFolder("desertseg-plan");
        string scripts = Path.Combine(folder.Path, "slurm");
        string[] common = ["--scale", "full", "--data", fixture.Data.Root, "--runs", fixture.NewRunsFolder(), "--no-adaptation"];

        var table = Plan(null, common);
        var slurm = Plan(null, [.. common, "--format", "slurm", "--out", scripts]);

        Assert.True(table.ExitCode == 0, table.ToString());
        Assert.Contains("needs ImageNet encoder weights at scale full", table.Output);
        Assert.Contains("no ImageNet encoder weights", table.Output);
        Assert.Equal(1, slurm.ExitCode);
        Assert.Contains("needs ImageNet encoder weights and none were given: nothing written", slurm.Output);
        Assert.False(File.Exists(Path.Combine(scripts, "submit.sh")));
    }
}
