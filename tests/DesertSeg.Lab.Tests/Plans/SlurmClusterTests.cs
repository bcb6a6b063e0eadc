using System.Diagnostics;
using System.Text.Json;
using DesertSeg.Lab.Tests.Cli;
using DesertSeg.Lab.Tests.Notebooks;

namespace DesertSeg.Lab.Tests.Plans;

/// <summary>
/// The plan on a real Slurm: a one-node cluster on this machine (tools/slurm/start-one-node-cluster.sh, from Debian's
/// packages), the smoke plan submitted with its own submit.sh, every run trained by a Slurm job, and reproduce afterwards
/// training nothing and giving the numbers of the local smoke run of the same data.
/// </summary>
[Trait(Tier.Category, Tier.Slow)]
[Collection(SmokeStudyCollection.Name)]
public class SlurmClusterTests(SmokeStudyFixture fixture)
{
    [Fact]
    public void TheSmokePlan_TrainsEveryRunThroughSlurm_AndReproduceThenTrainsNothing_WithTheLocalNumbers()
    {
        StartCluster();
        using var work = new TempFolder("desertseg-slurm");
        string runs = Path.Combine(work.Path, "runs"), scripts = Path.Combine(work.Path, "slurm"), report = Path.Combine(work.Path, "report");
        string[] common = ["--scale", "smoke", "--data", fixture.DataPath, "--runs", runs];

        var written = CliRunner.Run(["plan", .. common, "--format", "slurm", "--out", scripts]);
        Assert.True(written.ExitCode == 0, written.ToString());
        var submitted = ChildProcess.Run("bash", [Path.Combine(scripts, "submit.sh")]);
        Assert.True(submitted.ExitCode == 0, submitted.ToString());
        var jobs = File.ReadAllLines(Path.Combine(scripts, "submitted.txt")).Select(l => l.Split(' ')[0]).ToList();
        Assert.NotEmpty(jobs);
        WaitForQueueToEmpty(jobs, TimeSpan.FromMinutes(8));

        // Every run of the plan finished, each by its own job, whose log is in logs/.
        var plan = JsonDocument.Parse(CliRunner.Run(["plan", .. common, "--format", "json"]).Output).RootElement.GetProperty("runs");
        Assert.Equal(jobs.Count, plan.GetArrayLength());
        foreach (var run in plan.EnumerateArray())
        {
            string id = run.GetProperty("id").GetString()!;
            Assert.True(run.GetProperty("state").GetString() == "Finished",
                $"{id}: {run.GetProperty("state")}; its log: {string.Join("\n", Directory.GetFiles(Path.Combine(scripts, "logs"), id + "-*.log").Select(File.ReadAllText))}");
            Assert.Single(Directory.GetFiles(Path.Combine(scripts, "logs"), id + "-*.log"));
        }

        // The job afterwards trains nothing, and its tables are those of the local smoke run (speeds aside).
        var reproduce = CliRunner.Run(["reproduce", .. common, "--out", report, "--no-png"]);
        Assert.True(reproduce.ExitCode == 0, reproduce.ToString());
        Assert.DoesNotContain("starting (slot", reproduce.Output);
        Assert.DoesNotContain(": trained (", reproduce.Output);
        Assert.True(fixture.Reproduction.First.ExitCode == 0, fixture.Reproduction.First.ToString());
        foreach (string table in new[] { "table8-ablation", "table9-failed-ideas", "table7-per-class-iou", "adaptation-table", "label-free-estimates" })
            Assert.Equal(Numbers(Path.Combine(fixture.Reproduction.FirstReport, "tables", table + ".csv")),
                Numbers(Path.Combine(report, "tables", table + ".csv")));
    }

    /// <summary>A table's lines without its last column where that is the training seconds (wall time, which differs from run
    /// to run); labels may hold quoted commas, so the column is cut from the end of each line.</summary>
    private static IReadOnlyList<string> Numbers(string csv)
    {
        var lines = File.ReadAllLines(csv);
        return lines[0].EndsWith(",Training s", StringComparison.Ordinal)
            ? lines.Select(l => l[..l.LastIndexOf(',')]).ToList()
            : lines;
    }

    /// <summary>Starts the one-node cluster (the script installs Debian's packages where missing; it needs root).</summary>
    private static void StartCluster()
    {
        string script = Path.Combine(Lab.Workspace.Root, "tools", "slurm", "start-one-node-cluster.sh");
        var started = ChildProcess.Run("bash", [script], limit: TimeSpan.FromMinutes(5));
        Assert.True(started.ExitCode == 0, $"The one-node Slurm cluster did not start ({script}; it needs root and Debian's packages): {started}");
    }

    private static void WaitForQueueToEmpty(IReadOnlyList<string> jobs, TimeSpan limit)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            // The whole queue, filtered here: squeue -j fails on a job that has left it.
            var queue = ChildProcess.Run("squeue", ["-h", "-o", "%i %T %r"]);
            Assert.True(queue.ExitCode == 0, queue.ToString());
            var left = queue.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => jobs.Contains(l.Split(' ')[0])).ToList();
            if (left.Count == 0) return;
            if (clock.Elapsed > limit)
            {
                ChildProcess.Run("scancel", jobs);
                Assert.Fail($"Jobs still queued after {limit.TotalMinutes} min: {string.Join("; ", left)}");
            }
            Thread.Sleep(2000);
        }
    }
}
