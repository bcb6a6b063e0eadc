using DesertSeg.Lab.Checkpoints;
using DesertSeg.Lab.Data;
using DesertSeg.Lab.Studies;
using DesertSeg.Lab.Tests.Training;
using DesertSeg.Lab.Training;
using static DesertSeg.Lab.Studies.AdaptationStudy;

namespace DesertSeg.Lab.Tests.Studies;

/// <summary>
/// The main job's second lane makes the lab's lines that train nothing (test-time methods, ensembles) once their runs are
/// finished, never training one itself and never a line another process is making; the job then reads what it left.
/// </summary>
[Collection(TrainingCollection.Name)]
public class SecondLaneLinesTests(TrainingFixture fixture)
{
    [Fact]
    public void ALine_IsMadeOnlyFromFinishedRuns_NotWhileAnotherProcessMakesIt_AndTheJobReadsItBack()
    {
        string runs = fixture.NewRunsFolder();
        var options = Options();
        var adaBn = AdaptationMethods.ByLabel("AdaBN");
        using var study = new Study(fixture.Data, "smoke", new RunStore(runs), options);
        using var lab = new AdaptationStudy(study);

        Assert.True(adaBn.OnlyUsesRuns);
        Assert.Equal(LineAttempt.RunsNotFinished, lab.TryProduce(adaBn, waitForRuns: false));
        Assert.Equal(LineAttempt.RunsNotFinished, lab.TryProduce(adaBn, waitForRuns: true)); // nobody trains Phase 5
        Assert.Empty(Directory.GetDirectories(runs));
        Assert.Throws<ArgumentException>(() => lab.TryProduce(AdaptationMethods.ByLabel("FDA beta 0.01"), waitForRuns: false));

        var run = FinishedPhases3And5(study, options);
        string adapted = Path.Combine(run.Path, "adapted");

        using (Lab.IO.FileLock.Acquire(lab.LineLockFile(adaBn))) // the job, making the line now
            Assert.Equal(LineAttempt.TakenByAnother, lab.TryProduce(adaBn, waitForRuns: false));
        Assert.False(Directory.Exists(adapted), "the lane made a line the job was making");

        Assert.Equal(LineAttempt.Made, lab.TryProduce(adaBn, waitForRuns: false));
        var left = Directory.GetFiles(adapted, "*", SearchOption.AllDirectories).ToDictionary(f => f, File.GetLastWriteTimeUtc);
        Assert.Contains(left.Keys, f => f.EndsWith(".safetensors", StringComparison.Ordinal));
        Assert.Contains(left.Keys, f => f.Contains($"{Path.DirectorySeparatorChar}evaluations{Path.DirectorySeparatorChar}"));
        Assert.Equal(2, Directory.GetDirectories(runs).Length); // still only the two finished runs: nothing trained

        // The job (another study on the same runs) gets the line from what the lane left, computing nothing again.
        using var job = new Study(fixture.Data, "smoke", new RunStore(runs), options);
        using var jobLab = new AdaptationStudy(job);
        var result = jobLab.Produce(adaBn);
        Assert.Equal(left, Directory.GetFiles(adapted, "*", SearchOption.AllDirectories).ToDictionary(f => f, File.GetLastWriteTimeUtc));
        Assert.Equal(Path.GetFileName(left.Keys.Single(f => f.EndsWith(".safetensors", StringComparison.Ordinal))),
            Path.GetFileName(result.Checkpoints.Single()));
    }

    [Fact]
    public async Task TheJob_LeavesALineTheLaneIsMaking_ForAfterTheOthers_AndKeepsTheTablesOrder()
    {
        var options = Options();
        using var study = new Study(fixture.Data, "smoke", new RunStore(fixture.NewRunsFolder()), options);
        using var lab = new AdaptationStudy(study);
        FinishedPhases3And5(study, options);
        var adaBn = AdaptationMethods.ByLabel("AdaBN");
        var tent = AdaptationMethods.ByLabel("TENT");
        var started = new System.Collections.Concurrent.ConcurrentQueue<string>();

        var lane = Lab.IO.FileLock.Acquire(lab.LineLockFile(adaBn)); // the lane, making AdaBN
        var job = Task.Run(() => lab.Produce([adaBn, tent], m => started.Enqueue(m.Label)));
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (!started.Contains("TENT") && DateTime.UtcNow < deadline) await Task.Delay(50);
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.False(job.IsCompleted, "the job did not wait for the line the lane holds");
        lane.Dispose();
        var results = await job.WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(["TENT", "AdaBN"], started); // TENT made while the lane held AdaBN
        Assert.Equal(["AdaBN", "TENT"], results.Select(r => r.Method)); // the table's order
    }

    [Fact]
    public void TheLaneTakesTheLinesThatTrainNothing_FromTheEndOfTheTable()
    {
        var lineUp = AdaptationMethods.LineUp("quick");

        var order = SecondLane.LinesOrder(lineUp).Select(m => m.Label).ToList();

        Assert.Equal(["Ensemble: self-training, FDA, style", "Self-training + AdaBN", "FDA multi-band ensemble", "TENT", "AdaBN"],
            order);
    }

    /// <summary>The val images stand in for unlabelled target images: disjoint from the test split, as the lab requires.</summary>
    private TrainingOptions Options() =>
        new(TargetFolder: Path.GetDirectoryName(fixture.Data[FalconLayout.Val].Pairs[0].ImagePath));

    /// <summary>Phases 3 and 5 finished where the study looks for them (random weights: the mechanics do not depend on
    /// them); returns Phase 5's run.</summary>
    private RunDirectory FinishedPhases3And5(Study study, TrainingOptions options)
    {
        var runner = new PhaseRunner(study.Store, fixture.Data, options);
        var phase3 = runner.BindEncoder(study.Config("3"));
        var parent = fixture.FinishedRun(runner, phase3);
        PhaseRunnerTests.WriteRandomCheckpoint(parent.BestCheckpoint, phase3.Model, seed: 1);
        var phase5 = runner.BindEncoder(study.Config("5")) with
        {
            InitCheckpoint = WeightsFile.Of(parent.BestCheckpoint, $"{parent.Name}/checkpoints/best.safetensors"),
        };
        var run = fixture.FinishedRun(runner, phase5);
        PhaseRunnerTests.WriteRandomCheckpoint(run.BestCheckpoint, phase5.Model, seed: 2);
        return run;
    }
}
