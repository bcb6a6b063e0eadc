using DesertSeg.Lab.Training;

namespace DesertSeg.Lab.Tests.Training;

/// <summary>The run browser: every run's state at a glance, and old configurations found and deleted (and nothing else).</summary>
public class RunBrowserTests
{
    private static RunDirectory MakeRun(RunStore store, RunConfig config, RunState state, int epochsDone, string? folderName = null)
    {
        var run = folderName is null ? store.For(config, "data-fp") : new RunDirectory(Path.Combine(store.Folder, folderName));
        run.Initialise(config, new DatasetInfo("/data", "data-fp", new Dictionary<string, int> { ["train"] = 4 }));
        run.WriteStatus(new RunStatus(state, epochsDone, config.Epochs, epochsDone > 0 ? epochsDone - 1 : null, 0.5, "validation", null,
            DateTimeOffset.UtcNow));
        return run;
    }

    [Fact]
    public void Lists_StatesAndEpochs_AndDeletesOnlyRunsOfAnOldConfiguration()
    {
        using var dir = new TempFolder();
        var store = new RunStore(dir.Combine("runs"));
        var phase5 = PhaseCatalog.Get("5", "smoke") with { Epochs = 3, Schedule = PhaseCatalog.Get("5", "smoke").Schedule with { TotalEpochs = 3 } };
        var finished = MakeRun(store, phase5, RunState.Finished, 3);
        var interrupted = MakeRun(store, phase5 with { Seed = 7 }, RunState.Interrupted, 2);
        // A folder that today's key of its own configuration would not name: trained under an older results version.
        var old = MakeRun(store, phase5 with { Seed = 8 }, RunState.Finished, 3, folderName: "phase5-smoke-0123456789");

        var runs = RunBrowser.List(store).ToDictionary(r => r.Name);

        Assert.Equal("finished", runs[finished.Name].State);
        Assert.Equal("interrupted after 2 epoch(s)", runs[interrupted.Name].State);
        Assert.True(runs[finished.Name].Current && runs[interrupted.Name].Current);
        Assert.False(runs[old.Name].Current);
        Assert.Equal(3, RunBrowser.Table(runs.Values.ToList()).Rows.Count);

        Assert.Equal([old.Name], RunBrowser.DeleteOld(store));
        Assert.False(Directory.Exists(old.Path));
        Assert.True(finished.Exists && interrupted.Exists);
    }
}
