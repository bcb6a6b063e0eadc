namespace DesertSeg.Lab.Plans;

/// <summary>What <see cref="PlanExecutor.RunAsync"/> did with a plan.</summary>
/// <param name="Trained">Runs whose training ended well here, in the order they ended.</param>
/// <param name="Failed">Runs whose training failed, with why.</param>
/// <param name="NotStarted">Runs that waited for a failed run (or were left at cancellation).</param>
public sealed record PlanOutcome(IReadOnlyList<PlannedRun> Trained, IReadOnlyList<(PlannedRun Run, string Reason)> Failed,
    IReadOnlyList<PlannedRun> NotStarted)
{
    public bool Succeeded => Failed.Count == 0 && NotStarted.Count == 0;
}

/// <summary>
/// Runs a plan on this machine with a fixed number of slots: each run starts once the runs it waits for are done, the run
/// heading the most remaining work first (<see cref="ExperimentPlan.LongestChain"/>). How a run is trained (a child
/// process, say) and on what (a slot's cores or GPU) is the caller's <c>train</c>.
/// </summary>
/// <remarks>
/// This is a list scheduler over the plan's graph in some forty lines, not an engine: on a cluster the plan goes to Slurm
/// (<see cref="SlurmScripts"/>) with the same dependencies. A failed run fails its descendants only; the others go on, so
/// that one bad run costs only itself.
/// </remarks>
public static class PlanExecutor
{
    /// <param name="done">Runs already finished (skipped, their children free to start).</param>
    /// <param name="train">Trains one run in the given slot (0 to <paramref name="slots"/> - 1); a fault is the run's failure.</param>
    /// <param name="cost">A run's work, for the order (e.g. its optimizer steps).</param>
    /// <param name="ended">Told as each run ends: null when it finished, else why not (a run that waited for a failed one is
    /// told so at the end); a <see cref="PlanGate"/> listens here.</param>
    public static async Task<PlanOutcome> RunAsync(ExperimentPlan plan, int slots, ISet<PlannedRun> done,
        Func<PlannedRun, int, CancellationToken, Task> train, Func<PlannedRun, double> cost, CancellationToken cancellation = default,
        Action<PlannedRun, string?>? ended = null)
    {
        if (slots < 1) throw new ArgumentOutOfRangeException(nameof(slots), $"A plan needs at least one slot, got {slots}.");
        var chain = plan.LongestChain(cost);
        var finished = new HashSet<PlannedRun>(done);
        var waiting = plan.Runs.Where(r => !finished.Contains(r)).ToList();
        var running = new Dictionary<Task, (PlannedRun Run, int Slot)>();
        var freeSlots = new SortedSet<int>(Enumerable.Range(0, slots));
        var trained = new List<PlannedRun>();
        var failed = new List<(PlannedRun, string)>();
        var blocked = new HashSet<PlannedRun>();
        while (true)
        {
            // A run waiting for a failed (or itself blocked) run never starts.
            foreach (var run in plan.Runs.Where(r => waiting.Contains(r) && plan.ParentsOf(r).Any(p => blocked.Contains(p))).ToList())
            {
                blocked.Add(run);
                waiting.Remove(run);
            }
            while (freeSlots.Count > 0 && !cancellation.IsCancellationRequested
                   && waiting.Where(r => plan.ParentsOf(r).All(finished.Contains)).OrderByDescending(r => chain[r]).FirstOrDefault()
                       is { } next)
            {
                int slot = freeSlots.Min;
                freeSlots.Remove(slot);
                waiting.Remove(next);
                running[Task.Run(() => train(next, slot, cancellation), CancellationToken.None)] = (next, slot);
            }
            if (running.Count == 0) break;
            var task = await Task.WhenAny(running.Keys).ConfigureAwait(false);
            var (endedRun, endedSlot) = running[task];
            running.Remove(task);
            freeSlots.Add(endedSlot);
            if (task.IsCompletedSuccessfully)
            {
                finished.Add(endedRun);
                trained.Add(endedRun);
                ended?.Invoke(endedRun, null);
            }
            else
            {
                blocked.Add(endedRun);
                string reason = task.Exception?.GetBaseException().Message ?? "cancelled";
                failed.Add((endedRun, reason));
                ended?.Invoke(endedRun, reason);
            }
        }
        var notStarted = plan.Runs.Where(r => waiting.Contains(r) || (blocked.Contains(r) && !failed.Any(f => f.Item1 == r))).ToList();
        foreach (var run in notStarted)
            ended?.Invoke(run, cancellation.IsCancellationRequested ? "cancelled" : "it waits for a run that failed");
        return new PlanOutcome(trained, failed, notStarted);
    }
}
