using System.Collections.Concurrent;
using DesertSeg.Lab.Plans;

namespace DesertSeg.Lab.Tests.Plans;

public class PlanExecutorTests
{
    private static readonly ExperimentPlan Plan = ExperimentPlan.Of("quick",
        [new PlannedRun("5"), new PlannedRun("5-ohem"), new PlannedRun("5-cutmix"), new PlannedRun("5-select-estimate"), new PlannedRun("2")]);

    /// <summary>No run starts before the runs it waits for have ended, and never more than the slots at once.</summary>
    [Fact]
    public async Task RunsStartAfterTheirParents_NeverMoreThanTheSlots()
    {
        var events = new ConcurrentQueue<(string Id, bool Start, int Slot)>();
        int running = 0, most = 0;
        async Task Train(PlannedRun run, int slot, CancellationToken cancellation)
        {
            events.Enqueue((run.Id, true, slot));
            int now = Interlocked.Increment(ref running);
            lock (events) most = Math.Max(most, now);
            await Task.Delay(30, cancellation);
            Interlocked.Decrement(ref running);
            events.Enqueue((run.Id, false, slot));
        }

        var outcome = await PlanExecutor.RunAsync(Plan, 2, new HashSet<PlannedRun>(), Train, _ => 1);

        Assert.True(outcome.Succeeded);
        Assert.Equal(Plan.Runs.Order(Comparer<PlannedRun>.Create((a, b) => string.CompareOrdinal(a.Id, b.Id))),
            outcome.Trained.Order(Comparer<PlannedRun>.Create((a, b) => string.CompareOrdinal(a.Id, b.Id))));
        var order = events.ToList();
        foreach (var run in Plan.Runs)
            foreach (var parent in Plan.ParentsOf(run))
                Assert.True(order.FindIndex(e => e.Id == parent.Id && !e.Start) < order.FindIndex(e => e.Id == run.Id && e.Start),
                    $"{run.Id} started before {parent.Id} ended");
        Assert.Equal(2, most);
        Assert.Equal([0, 1], order.Select(e => e.Slot).Distinct().Order());
    }

    /// <summary>A failed run stops only the runs that wait for it; finished runs are not trained again.</summary>
    [Fact]
    public async Task AFailedRun_StopsOnlyItsDescendants_AndFinishedRunsAreSkipped()
    {
        var trained = new ConcurrentBag<string>();
        Task Train(PlannedRun run, int slot, CancellationToken cancellation)
        {
            if (run.Phase == "5") throw new InvalidOperationException("exit code 1: diverged");
            trained.Add(run.Id);
            return Task.CompletedTask;
        }

        var outcome = await PlanExecutor.RunAsync(Plan, 1, new HashSet<PlannedRun> { new("2") }, Train, _ => 1);

        Assert.False(outcome.Succeeded);
        var failure = Assert.Single(outcome.Failed);
        Assert.Equal("5-s42", failure.Run.Id);
        Assert.Equal("exit code 1: diverged", failure.Reason);
        Assert.Equal([new PlannedRun("5-select-estimate")], outcome.NotStarted);
        Assert.Equal(["3-s42", "5-cutmix-s42", "5-ohem-s42"], trained.Order());
    }

    /// <summary>A study's gate holds a reader until the executor has ended the run, lets a run it is not training pass at
    /// once, and turns a failed run (and one waiting for it) into an error that names it.</summary>
    [Fact]
    public async Task TheGate_HoldsAReaderUntilTheRunEnds_AndNamesAFailedRun()
    {
        var release = new TaskCompletionSource();
        Task Train(PlannedRun run, int slot, CancellationToken cancellation) => run.Phase switch
        {
            "3" => release.Task,
            "5-ohem" => Task.FromException(new InvalidOperationException("exit code 1: diverged")),
            _ => Task.CompletedTask,
        };
        var pending = Plan.Runs.Where(r => r.Phase != "2").ToList();
        var gate = new PlanGate(pending);

        var executor = PlanExecutor.RunAsync(Plan, 2, new HashSet<PlannedRun> { new("2") }, Train, _ => 1, ended: gate.Ended);
        gate.WaitFor(new PlannedRun("2"), CancellationToken.None); // finished before: passes
        gate.WaitFor(new PlannedRun("5-minent"), CancellationToken.None); // not in the plan: passes
        var reader = Task.Run(() => gate.WaitFor(new PlannedRun("5"), CancellationToken.None));
        await Task.Delay(200);
        Assert.False(reader.IsCompleted, "the reader did not wait for Phase 5's parent");
        Assert.False(gate.AllEnded);
        release.SetResult();
        await reader.WaitAsync(TimeSpan.FromSeconds(10));
        await executor;

        Assert.True(gate.AllEnded);
        Assert.Contains("5-ohem-s42 was not trained: exit code 1: diverged",
            Assert.Throws<InvalidOperationException>(() => gate.WaitFor(new PlannedRun("5-ohem"), CancellationToken.None)).Message);
    }
}
