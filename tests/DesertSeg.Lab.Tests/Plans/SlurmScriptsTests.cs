using System.Diagnostics;
using DesertSeg.Lab.Plans;
using DesertSeg.Lab.Training;

namespace DesertSeg.Lab.Tests.Plans;

public class SlurmScriptsTests
{
    private static IReadOnlyList<PlannedRunState> States(ExperimentPlan plan, params PlannedRun[] finished) =>
        plan.Runs.Select(r => new PlannedRunState(r, r.Config(plan.Scale), null,
            finished.Contains(r) ? RunStanding.Finished : RunStanding.Missing, null, 120, "cpu")).ToList();

    /// <summary>One job per run still to train, submitted after the jobs of the runs it waits for (afterok); finished runs
    /// left out with their dependencies; each job runs the executor's own train line with the job's cores.</summary>
    [Fact]
    public void SubmitsEachRunAfterItsParents_LeavingOutFinishedRuns_WithTheExecutorsTrainLine()
    {
        using var folder = new TempFolder();
        var plan = ExperimentPlan.Of("quick", [new PlannedRun("5-ohem"), new PlannedRun("5-select-estimate")]);
        var line = new TrainCommandLine("quick", "/data/falcon", "/shared/runs");

        string submit = SlurmScripts.Write(plan, States(plan, new PlannedRun("3")), line, "dotnet /opt/desertseg/desertseg.dll",
            new SlurmOptions("gpu", "lab42", ["--qos=short"]), folder.Path);

        string text = File.ReadAllText(submit);
        Assert.DoesNotContain("jobs/3-s42.sbatch", text); // finished
        Assert.Contains("job_0=$(submit jobs/5-ohem-s42.sbatch)", text); // its parent is finished: no dependency
        Assert.Contains("job_1=$(submit jobs/5-s42.sbatch)", text);
        Assert.Contains("job_2=$(submit --dependency=afterok:$job_1 jobs/5-select-estimate-s42.sbatch)", text);
        Assert.Contains("--kill-on-invalid-dep=yes --qos=short", text);
        string job = File.ReadAllText(Path.Combine(folder.Path, "jobs", "5-ohem-s42.sbatch"));
        Assert.Contains("#SBATCH --cpus-per-task=2", job);
        Assert.Contains("#SBATCH --partition=gpu", job);
        Assert.Contains("#SBATCH --account=lab42", job);
        Assert.Contains($"#SBATCH --output={folder.Path}/logs/5-ohem-s42-%j.log", job);
        Assert.DoesNotContain("--gres", job);
        string exec = job.Split('\n').Single(l => l.StartsWith("exec ", StringComparison.Ordinal));
        Assert.Equal("exec $DESERTSEG " + string.Join(" ", line.Arguments(new PlannedRun("5-ohem"), threads: 2, device: "cpu")), exec);
        Assert.Contains("DESERTSEG=${DESERTSEG:-'dotnet /opt/desertseg/desertseg.dll'}", job);
        // bash reads every script.
        foreach (string script in Directory.GetFiles(folder.Path, "*", SearchOption.AllDirectories).Where(f => f.EndsWith(".sh") || f.EndsWith(".sbatch")))
        {
            var check = ChildProcess.Run("bash", ["-n", script]);
            Assert.True(check.ExitCode == 0, $"{script}: {check}");
        }
    }

    [Fact]
    public void FullScaleJobs_AskForAGpu_AndATimeFromTheirSteps()
    {
        var full = SlurmResources.For("full");
        Assert.Equal(1, full.Gpus);
        // 42,900 steps (the report's Phase 5) at 0.6 s plus 30 minutes: 7 h 39 min.
        Assert.Equal("0-07:39:00", full.TimeLimit(42_900));
        Assert.Equal("0-00:15:00", SlurmResources.For("smoke").TimeLimit(4));
    }
}
