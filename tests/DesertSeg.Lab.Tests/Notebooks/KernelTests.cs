using System.Diagnostics;
using System.Text.Json;

namespace DesertSeg.Lab.Tests.Notebooks;

/// <summary>
/// Training cells in the kernel VS Code starts, driven as VS Code drives it (<see cref="KernelSession"/>): the progress
/// display updates while the cell runs, and the stop button stops the work, keeps the kernel usable and lets the cell
/// resume the run.
/// </summary>
[Collection(SmokeStudyCollection.Name)]
public class KernelTests(SmokeStudyFixture fixture)
{
    private KernelSession Open()
    {
        var kernel = new KernelSession(Path.Combine(fixture.Root, "notebooks"), new Dictionary<string, string?>
        {
            ["DESERTSEG_SCALE"] = "smoke", ["DESERTSEG_DATA_PATH"] = fixture.DataPath, ["DESERTSEG_RUNS"] = fixture.RunsFolder,
            ["DESERTSEG_FIGURES"] = fixture.FiguresFolder, ["DESERTSEG_SKIP_BUILD"] = "1", ["DESERTSEG_DEVICE"] = "cpu",
        });
        kernel.RunOk("var scale = \"smoke\"; string? dataPath = null; string? encoderWeights = null; var device = \"cpu\"; var force = false;",
            TimeSpan.FromMinutes(2));
        kernel.RunOk("#!import open.dib", TimeSpan.FromMinutes(3));
        return kernel;
    }

    /// <summary>A cell that trains Phase 5 for <paramref name="epochs"/> epochs under its own name.</summary>
    private static string TrainingCell(string name, int epochs) =>
        $"var config = lab.Config(\"5\") with {{ Epochs = {epochs}, Schedule = lab.Config(\"5\").Schedule with {{ TotalEpochs = {epochs} }} }};\n" +
        $"lab.Phase(lab.Add(\"{name}\", config));";

    [Trait(Tier.Category, Tier.Slow)]
    [Fact]
    public void TrainingCell_ShowsOneProgressDisplay_UpdatedEveryEpoch_AndLeavesItsChart()
    {
        using var kernel = Open();

        var events = kernel.RunOk(TrainingCell("5-kernel-progress", 3), TimeSpan.FromMinutes(5));

        var progress = events.Where(e => e.Type == "DisplayedValueProduced" && e.Values.Contains("desertseg-progress")
            && e.Values.Contains("phase5-kernel-progress")).ToList();
        Assert.Single(progress);
        var updates = events.Where(e => e.Type == "DisplayedValueUpdated" && e.Values.Contains("desertseg-progress")
            && e.Values.Contains("phase5-kernel-progress")).ToList();
        // One display updated in place: every update names the same value.
        Assert.Single(updates.Select(u => u.ValueId).Distinct());
        for (int epoch = 1; epoch <= 3; epoch++)
            Assert.Contains(updates, u => u.Values.Contains($"epoch {epoch} of 3 done"));
        // Steps update the same display (no new output per step), at most a few times a second.
        Assert.Contains(updates, u => u.Values.Contains("step ") && u.Values.Contains("ETA"));
        Assert.Contains(events, e => e.Type is "DisplayedValueProduced" or "DisplayedValueUpdated" && e.Values.Contains("loss and val mIoU"));

        // Scoring shows its own display, updated until every image is done.
        var scoring = kernel.RunOk("lab.Score(\"5-kernel-progress\", \"val\").Metrics.MeanIoU", TimeSpan.FromMinutes(3));
        Assert.Contains(scoring, e => e.Type == "DisplayedValueProduced" && e.Values.Contains("scoring phase5-kernel-progress"));
        Assert.Contains(scoring, e => e.Type == "DisplayedValueUpdated" && e.Values.Contains("8 of 8"));
    }

    [Trait(Tier.Category, Tier.Slow)]
    [Fact]
    public void Cancel_StopsTraining_KeepsTheKernel_AndTheCellResumesTheRun()
    {
        using var kernel = Open();
        string cell = TrainingCell("5-kernel-cancel", 8);

        string token = kernel.Send(cell);
        kernel.Until(token, e => e.Type == "DisplayedValueUpdated" && e.Values.Contains("phase5-kernel-cancel")
            && e.Values.Contains("epoch 1 of 8 done"), TimeSpan.FromMinutes(4));
        var clock = Stopwatch.StartNew();
        kernel.Cancel();
        var end = kernel.Until(token, e => e.Token == token && e.Type is "CommandSucceeded" or "CommandFailed", TimeSpan.FromMinutes(1));
        double stopSeconds = clock.Elapsed.TotalSeconds;

        Assert.Equal("CommandFailed", end[^1].Type);
        Assert.True(stopSeconds < 15, $"the cell took {stopSeconds:F1} s to stop");
        // The work really stopped: the kernel process idles (a training step keeps both cores busy).
        kernel.Process.Refresh();
        var before = kernel.Process.TotalProcessorTime;
        Thread.Sleep(3000);
        kernel.Process.Refresh();
        double busy = (kernel.Process.TotalProcessorTime - before).TotalSeconds;
        Assert.True(busy < 1.0, $"the kernel used {busy:F2} s of CPU in the 3 s after the cell was cancelled");
        // The run says it was interrupted and keeps its complete epochs.
        string run = Directory.GetDirectories(fixture.RunsFolder, "phase5-kernel-cancel-smoke-*").Single();
        using (var status = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "status.json"))))
        {
            Assert.Equal("Interrupted", status.RootElement.GetProperty("State").GetString());
            Assert.True(status.RootElement.GetProperty("EpochsDone").GetInt32() >= 1);
        }

        // The same kernel runs the next cell, and the training cell again resumes the run.
        kernel.RunOk("1 + 1", TimeSpan.FromSeconds(30));
        token = kernel.Send(cell);
        kernel.Until(token, e => e.Type == "DisplayedValueProduced" && e.Values.Contains("resuming at epoch"), TimeSpan.FromMinutes(2));
        kernel.Cancel();
        kernel.Until(token, e => e.Token == token && e.Type is "CommandSucceeded" or "CommandFailed", TimeSpan.FromMinutes(1));
    }
}
