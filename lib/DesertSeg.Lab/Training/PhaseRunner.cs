using DesertSeg.Lab.Checkpoints;
using DesertSeg.Lab.Checkpoints.Pretrained;
using DesertSeg.Lab.Data;

namespace DesertSeg.Lab.Training;

/// <summary>How <see cref="PhaseRunner.Ensure"/> got a finished run.</summary>
public enum RunOutcome { Reused, Trained, Resumed, Reselected }

/// <summary>A finished run and how it was obtained.</summary>
public sealed record PhaseRun(RunConfig Config, RunDirectory Directory, RunOutcome Outcome);

/// <summary>
/// Runs phases in dependency order and reuses finished work: a configuration already trained on the
/// same data is found by its run folder and not trained again; an interrupted one is resumed; a phase
/// that starts from another (Phase 5 from Phase 3) makes sure that one exists first.
/// Before a configuration is looked up it is bound to what it starts from: the ImageNet encoder weights
/// (by name and hash) and, for Phases 4/5, the exact checkpoint of its parent run. Those are part of the
/// run's key, so retraining Phase 3 (or other ImageNet weights) gives new Phase 5 runs, never stale ones.
/// </summary>
public sealed class PhaseRunner(RunStore store, FalconDataset data, TrainingOptions? options = null, ITrainingObserver? observer = null)
{
    private readonly string _fingerprint = DatasetFingerprint.Of(data);
    private readonly TrainingOptions _options = options ?? new TrainingOptions();

    public RunStore Store => store;

    /// <summary>The same runner reporting progress to <paramref name="progress"/>.</summary>
    public PhaseRunner WithObserver(ITrainingObserver progress) => new(store, data, _options, progress);

    /// <summary>The run folder of a configuration that is already bound (see <see cref="Ensure"/>) on this data.</summary>
    public RunDirectory RunFor(RunConfig config) => store.For(config, _fingerprint);

    /// <summary>The configuration a phase's initial checkpoint comes from (same scale and seed), or null.</summary>
    public static RunConfig? DependencyOf(RunConfig config) => config.InitFromPhase is { } phase
        ? PhaseCatalog.Get(phase, config.Scale) with { Seed = config.Seed }
        : null;

    /// <summary>
    /// The ImageNet weights file for a configuration: the user's (<see cref="TrainingOptions.EncoderWeightsFile"/>),
    /// else the workspace's built-in weights for its encoder, else none when training from scratch was asked for.
    /// </summary>
    /// <exception cref="MissingEncoderWeightsException">No weights and no permission to train from scratch.</exception>
    public string? EncoderWeightsFileFor(RunConfig config)
    {
        if (config.FromScratch) return null;
        if (_options.EncoderWeightsFile is { } file) return Path.GetFullPath(file);
        if (PretrainedEncoders.All.Any(e => e.Name == config.Model.Encoder) && PretrainedEncoders.IsBuiltIn(config.Model.Encoder))
            return PretrainedEncoders.WeightsFile(config.Model.Encoder);
        if (_options.FromScratch) return null;
        throw new MissingEncoderWeightsException(config);
    }

    /// <summary>The configuration with its encoder weights named: by file and hash, or as from scratch.</summary>
    public RunConfig BindEncoder(RunConfig config) => Bind(config, EncoderWeightsFileFor(config));

    private static RunConfig Bind(RunConfig config, string? encoderFile)
    {
        if (config.EncoderWeights is not null || config.FromScratch) return config;
        return encoderFile is not null
            ? config with { EncoderWeights = WeightsFile.Of(encoderFile) }
            : config with { FromScratch = true };
    }

    /// <summary>
    /// A domain-adaptation configuration with its unlabelled target images named (folder and content hash), after
    /// checking that none of them is a test image (unless <see cref="TrainingOptions.Transductive"/>).
    /// </summary>
    public RunConfig BindTarget(RunConfig config) => !config.UsesTarget || config.Target is not null
        ? config
        : config with
        {
            Target = Adaptation.TargetDomain.Open(data, _options.TargetFolder, _options.Transductive).Bind(_options.Transductive)
        };

    /// <summary>Returns a finished run of <paramref name="config"/>, training (or resuming) it and its dependency as needed.</summary>
    /// <param name="force">Retrain even when a finished run exists (dependencies are still reused).</param>
    public PhaseRun Ensure(RunConfig config, bool force = false, CancellationToken cancellation = default)
    {
        (config, var runOptions) = Bound(config, dependency => Ensure(dependency, force: false, cancellation))!.Value;
        var run = RunFor(config);
        // One trainer per run folder (two notebooks may ask for the same run); the status is read under the lock.
        using var runLock = RunLock.Acquire(run, cancellation, m => observer?.WaitingForRun(run, m));
        var status = run.Exists ? run.ReadStatus() : null;
        if (!force && status?.State == RunState.Finished) return new PhaseRun(config, run, RunOutcome.Reused);

        bool resume = !force && run.Exists && status?.State != RunState.Failed && run.LatestStateEpoch() is not null;
        if (!resume && run.Exists) Directory.Delete(run.Path, recursive: true);
        var trainer = new Trainer(config, data, run,
            runOptions with { KeepEpochModels = runOptions.KeepEpochModels || PhaseCatalog.KeepsEpochModels(config) }, observer);
        if (!resume && KeptTrainingOf(config) is { } source)
        {
            trainer.Reselect(source, cancellation);
            return new PhaseRun(config, run, RunOutcome.Reselected);
        }
        trainer.Train(cancellation);
        return new PhaseRun(config, run, resume ? RunOutcome.Resumed : RunOutcome.Trained);
    }

    /// <summary>
    /// The folder <paramref name="config"/> trains into on this data, found without training anything: null while the run it
    /// starts from is not finished (that run's best checkpoint is part of the folder's key). The folder may not exist yet.
    /// How a plan reports what stands where (<see cref="Plans.RunStates"/>).
    /// </summary>
    public RunDirectory? Locate(RunConfig config) =>
        Bound(config, dependency => Locate(dependency) is { } parent && parent.Exists && parent.ReadStatus()?.State == RunState.Finished
            ? new PhaseRun(dependency, parent, RunOutcome.Reused)
            : null) is var (bound, _)
            ? RunFor(bound)
            : null;

    /// <summary>
    /// The configuration bound to what it starts from (encoder weights, target images, its parent run's best checkpoint,
    /// which <paramref name="parentRun"/> provides: null when it has none) and the options its trainer takes.
    /// </summary>
    private (RunConfig Config, TrainingOptions Options)? Bound(RunConfig config, Func<RunConfig, PhaseRun?> parentRun)
    {
        // The weights file is looked up once: it names the run (by hash) and initialises its encoder.
        string? encoderFile = EncoderWeightsFileFor(config);
        config = BindTarget(Bind(config, encoderFile));
        var runOptions = _options with { EncoderWeightsFile = encoderFile };
        if (DependencyOf(config) is { } dependency)
        {
            if (parentRun(dependency with { EncoderWeights = config.EncoderWeights, FromScratch = config.FromScratch })
                is not { } parent) return null;
            string init = parent.Directory.BestCheckpoint;
            config = config with { InitCheckpoint = WeightsFile.Of(init, $"{parent.Directory.Name}/checkpoints/best.safetensors") };
            runOptions = runOptions with { InitCheckpoint = init };
        }
        return (config, runOptions);
    }

    /// <summary>
    /// For a configuration that differs from its training (<see cref="RunConfig.WithValidationSelection"/>) only in how it
    /// selects and what it records: a finished run of that training on this data that kept every epoch's model
    /// (Phase 5 for "5-select-estimate"), else null.
    /// </summary>
    public RunDirectory? KeptTrainingOf(RunConfig config)
    {
        var training = config.WithValidationSelection();
        if (training.Fingerprint() == config.Fingerprint()) return null;
        return store.WithKeyOf(training, _fingerprint)
            .FirstOrDefault(r => r.ReadStatus()?.State == RunState.Finished && r.KeptEveryEpochModel());
    }

    /// <summary>Continues an interrupted run in its own folder from its last finished epoch (a finished run is returned as it
    /// is).</summary>
    public PhaseRun Resume(RunDirectory run, CancellationToken cancellation = default)
    {
        var config = run.ReadConfig();
        if (run.ReadDataset() is { } trainedOn && trainedOn.Fingerprint != _fingerprint)
            throw new DataFormatException(run.Path,
                $"was trained on other data ({trainedOn.Root}, fingerprint {trainedOn.Fingerprint}) than {data.Root} ({_fingerprint}).");
        using var runLock = RunLock.Acquire(run, cancellation, m => observer?.WaitingForRun(run, m));
        if (run.ReadStatus()?.State == RunState.Finished) return new PhaseRun(config, run, RunOutcome.Reused);
        if (run.LatestStateEpoch() is null)
            throw new DataFormatException(run.Path,
                $"has no finished epoch to resume from; start it again with: train --phase {config.Phase} --scale {config.Scale}.");
        new Trainer(config, data, run, _options, observer).Train(cancellation);
        return new PhaseRun(config, run, RunOutcome.Resumed);
    }
}
