using DesertSeg.Lab.Data;

namespace DesertSeg.Lab.Training;

/// <summary>How <see cref="PhaseRunner.Ensure"/> got a finished run.</summary>
public enum RunOutcome { Reused, Trained, Resumed }

/// <summary>A finished run and how it was obtained.</summary>
public sealed record PhaseRun(RunConfig Config, RunDirectory Directory, RunOutcome Outcome);

/// <summary>
/// Runs phases in dependency order and reuses finished work: a configuration already trained on the
/// same data is found by its run folder and not trained again; an interrupted one is resumed; a phase
/// that starts from another (Phase 5 from Phase 3) makes sure that one exists first.
/// </summary>
public sealed class PhaseRunner(RunStore store, FalconDataset data, TrainingOptions? options = null, ITrainingObserver? observer = null)
{
    private readonly string _fingerprint = DatasetFingerprint.Of(data);

    public RunStore Store => store;

    /// <summary>The run folder <paramref name="config"/> trains into on this data.</summary>
    public RunDirectory RunFor(RunConfig config) => store.For(config, _fingerprint);

    /// <summary>The configuration a phase's initial checkpoint comes from (same scale, seed and ImageNet weights), or null.</summary>
    public static RunConfig? DependencyOf(RunConfig config) => config.InitFromPhase is { } phase
        ? PhaseCatalog.Get(phase, config.Scale) with { EncoderWeights = config.EncoderWeights, Seed = config.Seed }
        : null;

    /// <summary>Returns a finished run of <paramref name="config"/>, training (or resuming) it and its dependency as needed.</summary>
    /// <param name="force">Retrain even when a finished run exists (dependencies are still reused).</param>
    public PhaseRun Ensure(RunConfig config, bool force = false, CancellationToken cancellation = default)
    {
        var run = RunFor(config);
        var status = run.Exists ? run.ReadStatus() : null;
        if (!force && status?.State == RunState.Finished) return new PhaseRun(config, run, RunOutcome.Reused);

        string? init = null;
        if (DependencyOf(config) is { } dependency)
            init = Ensure(dependency, force: false, cancellation).Directory.BestCheckpoint;

        bool resume = !force && run.Exists && status?.State != RunState.Failed && run.LatestStateEpoch() is not null;
        if (!resume && run.Exists) Directory.Delete(run.Path, recursive: true);
        var trainer = new Trainer(config, data, run, (options ?? new TrainingOptions()) with { InitCheckpoint = init }, observer);
        trainer.Train(cancellation);
        return new PhaseRun(config, run, resume ? RunOutcome.Resumed : RunOutcome.Trained);
    }
}
