using DesertSeg.Lab.Training;

namespace DesertSeg.Lab.Studies;

/// <summary>
/// The second lane of the main job on a CPU: another process trains the job's runs (<see cref="TrainingPlan"/>) from the
/// far end of the list while the job works from the front, each training with half the cores.
/// </summary>
/// <remarks>
/// <para>Why: on 2 cores a training with 2 LibTorch threads spends part of every step with one core waiting for the other
/// (parallel regions end at a barrier; the serial parts of a step hold one core); two trainings with one thread each keep
/// both cores busy. Measured on this project's 2-core machine: two Phase-5 variants trained one after the other with 2
/// threads 95.9 s, at the same time with 1 thread each 85.5 s (README gives the main job's times).</para>
/// <para>How the lanes meet: the lane passes over a run that is finished or that another trainer holds
/// (<see cref="Study.PhaseUnlessBusy"/>), and the job waits for a run the lane holds (<see cref="RunLock"/>), then reuses
/// it. Runs of other data sets (the multi-environment deserts, generated here first) come first in the lane, since they
/// depend on nothing the job is training; the rest come in the plan's reverse order. Runs that only re-select a trained
/// run's epochs are the job's (they need that run finished, not trained again). Which lane trains a run changes nothing
/// in it: both train with the same thread count (<see cref="TrainingOptions.Threads"/>).</para>
/// <para>With its trainings done, the lane makes the lab's lines that train nothing (<see cref="LabMethod.OnlyUsesRuns"/>)
/// from finished runs, under a lock per line that the job waits on (<see cref="AdaptationStudy.Produce"/>), so that the
/// job's last minute does not run on one core while the other idles. Both lanes score with the same thread count too, so
/// a line has the same numbers whichever lane makes it.</para>
/// </remarks>
public static class SecondLane
{
    /// <summary>The lane's order: other data sets' runs first, then the plan from its end; no re-selecting runs.</summary>
    public static IReadOnlyList<PlannedRun> Order(IReadOnlyList<PlannedRun> plan)
    {
        var trained = plan.Where(r => !PhaseCatalog.VariantRecipes.Any(v => v.SelectsOnly && v.Name == r.Phase)).ToList();
        return trained.Where(r => r.Environments != 1)
            .Concat(Enumerable.Reverse(trained).Where(r => r.Environments == 1))
            .ToList();
    }

    /// <summary>What the lane did: the runs it trained (or resumed) and the lab lines it made (or found made, their adapted
    /// checkpoints and scores cached by an earlier job).</summary>
    public sealed record Work(IReadOnlyList<PlannedRun> Trained, IReadOnlyList<string> Lines);

    /// <summary>
    /// Trains what no one else is training and is not finished, in <see cref="Order"/>, and scores each run it trained on
    /// test; then makes the lab's lines that train nothing (<see cref="LinesOrder"/>) from finished runs; stops at the
    /// study's cancellation.
    /// </summary>
    public static Work Run(Study study, bool adaptation)
    {
        using var lab = new AdaptationStudy(study);
        var trained = new List<PlannedRun>();
        foreach (var planned in Order(TrainingPlan.Of(lab, adaptation)))
        {
            study.Cancellation.ThrowIfCancellationRequested();
            var owner = planned.StudyIn(lab);
            if (owner.PhaseUnlessBusy(planned.Phase) is not { Outcome: RunOutcome.Trained or RunOutcome.Resumed }) continue;
            trained.Add(planned);
            // Its test score as the job's tables read it, into the run folder's score cache: the job, which waits for none
            // of this, then finds it there instead of scoring the run itself once the lane has nothing left to train.
            owner.Score(planned.Phase, Data.FalconLayout.Test);
        }
        var made = new List<string>();
        if (!adaptation) return new Work(trained, made);
        // The job's last work is the lab's lines that combine or adapt runs (ensembles, test-time methods), one core's worth
        // after the lane has run out of trainings (measured: the job went on alone for 67 s). The lane takes them from the
        // end of the table: first those whose runs are all finished, then, waiting for them, those whose runs the job is
        // still training; a line the job is making, or one with a run nobody trains yet, is the job's.
        var lines = LinesOrder(lab.AvailableMethods).ToList();
        foreach (bool waitForRuns in new[] { false, true })
            lines.RemoveAll(line =>
            {
                study.Cancellation.ThrowIfCancellationRequested();
                var attempt = lab.TryProduce(line, waitForRuns);
                if (attempt == AdaptationStudy.LineAttempt.Made) made.Add(line.Label);
                return attempt != AdaptationStudy.LineAttempt.RunsNotFinished;
            });
        return new Work(trained, made);
    }

    /// <summary>The lab lines the lane may make (those that train nothing of their own), from the end of the table.</summary>
    public static IEnumerable<LabMethod> LinesOrder(IReadOnlyList<LabMethod> lineUp) =>
        Enumerable.Reverse(lineUp).Where(m => m.OnlyUsesRuns);
}
