using DesertSeg.Lab.Adaptation;
using DesertSeg.Lab.Data;
using DesertSeg.Lab.Data.Synthetic;
using DesertSeg.Lab.Evaluation;
using DesertSeg.Lab.Inference;
using DesertSeg.Lab.Training;

namespace DesertSeg.Lab.Studies;

/// <summary>One line of the domain-adaptation table: a method, what it is made of, where its model is, and its test score.</summary>
/// <param name="Evidence">The run folders or checkpoints behind the number.</param>
/// <param name="Checkpoints">The checkpoint(s) that predict (several: their probabilities are averaged).</param>
/// <param name="Online">Online test-time adaptation the predictions were made with, or null.</param>
public sealed record AdaptationResult(string Method, LineKind Kind, string Evidence, IReadOnlyList<string> Checkpoints, SplitScore Test,
    double? TrainingSeconds, OnlineTentConfig? Online = null);

/// <summary>
/// The domain-adaptation lab (beyond the report, its section 8): every method of <see cref="LabLines"/> scored
/// on the test environment against the source-only model (Phase 5) and the oracle (Phase 5 trained on labelled target
/// scenes). Training-time methods are runs of the study (<see cref="AdaptationRuns"/>, or your own with
/// <see cref="Study.Add"/>); test-time methods adapt a run's best checkpoint once and keep the result in its run folder
/// (adapted/), keyed by method settings, target images and code version. Adaptation only sees the unlabelled target
/// images, which are checked to be disjoint from the test split. The table and charts are <see cref="AdaptationTable"/>,
/// the Rocks gallery <see cref="RocksGallery"/>.
/// </summary>
public sealed class AdaptationStudy(Study study) : IDisposable
{
    private TargetImages? _target;
    private readonly Dictionary<(int, HeldOutFactors), Study> _environmentStudies = [];

    public Study Study => study;

    /// <summary>The unlabelled target images (the study's <see cref="TrainingOptions.TargetFolder"/>, else the data set's own).</summary>
    public TargetImages Target => _target ??= TargetDomain.Open(study.Data, study.Options.TargetFolder, study.Options.Transductive);

    /// <summary>The line-up at the study's scale that this data set allows, in table order.</summary>
    public IReadOnlyList<LabLine> AvailableLines => LabLines.LineUp(study.Scale).Where(m => m.AvailableIn(this)).ToList();

    /// <summary>Every available method of the line-up, trained or adapted as needed, scored on test.</summary>
    /// <remarks>Each method stops at the study's cancellation (<see cref="Study.CancellationSource"/>) or at
    /// <paramref name="cancellation"/>; finished methods stay cached in their run folders.</remarks>
    public IReadOnlyList<AdaptationResult> All(CancellationToken cancellation = default) => Produce(AvailableLines, cancellation: cancellation);

    /// <summary>
    /// Every line of <paramref name="methods"/> (<see cref="LabLine.Produce"/>), in their order; <paramref name="starting"/>
    /// hears of each line as it starts.
    /// </summary>
    public IReadOnlyList<AdaptationResult> Produce(IReadOnlyList<LabLine> methods, Action<LabLine>? starting = null,
        CancellationToken cancellation = default) =>
        methods.Select(method =>
        {
            cancellation.ThrowIfCancellationRequested();
            study.Cancellation.ThrowIfCancellationRequested();
            starting?.Invoke(method);
            return method.Produce(this);
        }).ToList();

    /// <summary>One method of <see cref="LabLines.All"/>, by label.</summary>
    public AdaptationResult Result(string label) => LabLines.ByLabel(label).Produce(this);

    /// <summary>A run of the study (a catalog name or one added with <see cref="Study.Add"/>) as a line of the table.</summary>
    public AdaptationResult Run(string label, LineKind kind, string phase) => RunResult(study, label, kind, phase);

    private static AdaptationResult RunResult(Study owner, string label, LineKind kind, string phase)
    {
        var run = owner.Phase(phase);
        return new AdaptationResult(label, kind, run.Directory.Path, [run.Directory.BestCheckpoint], owner.Score(phase, FalconLayout.Test),
            run.Directory.ReadHistory().Sum(h => h.Seconds));
    }

    /// <summary>
    /// The same study on the synthetic data set whose training and validation scenes come from <paramref name="k"/>
    /// training deserts (<see cref="RandomisedEnvironments"/>), generated once beside this one (same seed and counts: the
    /// test, target and oracle scenes are the same images), the randomised deserts never showing <paramref name="heldOut"/>.
    /// Same runs folder and options.
    /// </summary>
    public Study EnvironmentStudy(int k, HeldOutFactors heldOut = HeldOutFactors.None)
    {
        if (k == 1) return study;
        if (_environmentStudies.TryGetValue((k, heldOut), out var known)) return known;
        var manifest = SyntheticFalconWriter.ReadManifest(study.Data.Root)
            ?? throw new InvalidOperationException($"{study.Data.Root}: multi-environment training needs the synthetic generator's " +
                "data set (a real data set has one environment).");
        string root = EnvironmentRoot(study.Data.Root, k, heldOut, study.Seed);
        study.Log.WriteLine($"Training scenes from {k} environments: {root}");
        // Only the training side differs: the target images are this data set's (none are generated there).
        EmbeddedDataset.Ensure(root,
            manifest.Spec with
            {
                Environments = k, TargetCount = 0, OracleCount = 0, OracleValCount = 0, HeldOut = heldOut,
                // Another study seed draws other randomised deserts; every test-environment scene stays the same.
                EnvironmentSeed = study.Seed == PhaseCatalog.DefaultSeed ? null : study.Seed,
            }, cancellation: study.Cancellation, donor: study.Data.Root);
        var options = study.Options with { TargetFolder = Target.Folder };
        var other = new Study(FalconDataset.Open(root), study.Scale, study.Store, options, study.Observer, log: study.Log,
            seed: study.Seed)
        {
            CancellationSource = study.CancellationSource,
            Environments = k,
            HeldOut = heldOut,
            BeforePhase = study.BeforePhase,
        };
        return _environmentStudies[(k, heldOut)] = other;
    }

    /// <summary>Where the K-environment sibling of the data set at <paramref name="root"/> lives (beside it).</summary>
    public static string EnvironmentRoot(string root, int k, HeldOutFactors heldOut, int seed)
    {
        string without = heldOut == HeldOutFactors.None ? "" : "-without-" + heldOut.ToString().Replace(", ", "-").ToLowerInvariant();
        string draw = seed == PhaseCatalog.DefaultSeed ? "" : $"-draw{seed}";
        return root.TrimEnd(Path.DirectorySeparatorChar) + $"-k{k}{without}{draw}";
    }

    /// <summary>A phase trained on K environments (same number of training images), scored on the (same) test scenes.</summary>
    public AdaptationResult MultiEnvironment(string label, int k, string phase, HeldOutFactors heldOut = HeldOutFactors.None) =>
        RunResult(EnvironmentStudy(k, heldOut), label, LineKind.Generalisation, phase);

    /// <summary>
    /// Does diversity beat volume? Phase 5 trained on the same number of images drawn from 1, 2, 4, ... environments
    /// whose randomised deserts never show <see cref="LabLines.DiversityHeldOut"/>, each scored on the test
    /// scenes: one line per K.
    /// </summary>
    public IReadOnlyList<AdaptationResult> EnvironmentSweep(params int[] ks) =>
        ks.Select(k => MultiEnvironment($"K={k} environments", k, "5", LabLines.DiversityHeldOut)).ToList();

    /// <summary>The checkpoint of <paramref name="phase"/> adapted by a test-time method, made once per method settings and
    /// target.</summary>
    public string AdaptedCheckpoint(string phase, TestTimeMethod method)
    {
        var run = study.Phase(phase);
        string file = Path.Combine(run.Directory.Path, "adapted", $"{method.Name}-{method.Key(Target.Fingerprint)}.safetensors");
        if (File.Exists(file)) return file;
        var (label, _) = TestTimeAdaptation.Adapt(run.Directory.BestCheckpoint, method, Target, file,
            study.Device, study.Options.Transductive, study.Cancellation,
            study.Progress($"{method.Name}: adapting {run.Config.Name} on {Target.Count} target images", method.Passes(Target)));
        study.Log.WriteLine($"{run.Config.Name}: {label} -> {file}");
        return file;
    }

    /// <summary>A run's best checkpoint adapted by a test-time method, scored on test.</summary>
    public AdaptationResult TestTime(string label, string phase, TestTimeMethod method)
    {
        // No training time: a test-time method adapts once (seconds; the adapt command and the benchmark time it).
        string checkpoint = AdaptedCheckpoint(phase, method);
        return new AdaptationResult(label, LineKind.TestTime, checkpoint, [checkpoint],
            study.ScoreCheckpoints([checkpoint], Path.GetDirectoryName(checkpoint)!, FalconLayout.Test), null);
    }

    /// <summary>
    /// A run's best checkpoint scored on the test stream while TENT adapts it online (its paper's protocol: each test batch
    /// adapts the model and is predicted by that same pass); nothing is saved but the score, cached in the run folder's
    /// adapted/ under the settings' key.
    /// </summary>
    public AdaptationResult OnlineTent(string label, string phase, OnlineTentConfig config)
    {
        var run = study.Phase(phase);
        string key = ResultVersions.Hash($"{System.Text.Json.JsonSerializer.Serialize(config)}|{ResultVersions.TestTimeAdaptation}", 12);
        string folder = Path.Combine(run.Directory.Path, "adapted", $"tent-online-{key}");
        Predictor? loaded = null;
        try
        {
            var score = study.ScoreCheckpoints([run.Directory.BestCheckpoint], folder, FalconLayout.Test,
                new ScoringOptions(BatchSize: config.BatchSize), () =>
                {
                    loaded = Predictor.Load(run.Directory.BestCheckpoint, device: study.Device);
                    loaded.Online = new Adaptation.OnlineTent(loaded.Model, config);
                    return loaded;
                });
            return new AdaptationResult(label, LineKind.TestTime, folder, [run.Directory.BestCheckpoint], score, null, config);
        }
        finally
        {
            loaded?.Dispose(); // and its online TENT
        }
    }

    /// <summary>The probability average of several runs' best checkpoints, scored on test.</summary>
    public AdaptationResult Ensemble(string label, IReadOnlyList<string> phases)
    {
        var runs = phases.Select(p => study.Phase(p).Directory).ToList();
        var checkpoints = runs.Select(r => r.BestCheckpoint).ToList();
        return new AdaptationResult(label, LineKind.Ensemble, string.Join("; ", runs.Select(r => r.Path)), checkpoints,
            study.ScoreCheckpoints(checkpoints, runs[0].Path, FalconLayout.Test), null);
    }

    /// <summary>
    /// The predictor of a result (an ensemble for several checkpoints; with online TENT attached, adapting afresh on the
    /// images it is given); the caller disposes it.
    /// </summary>
    public Predictor PredictorOf(AdaptationResult result)
    {
        var predictor = result.Checkpoints.Count == 1
            ? Predictor.Load(result.Checkpoints[0], device: study.Device)
            : Predictor.Ensemble(result.Checkpoints, study.Device);
        if (result.Online is { } online) predictor.Online = new Adaptation.OnlineTent(predictor.Model, online);
        return predictor;
    }

    /// <summary>Disposes the multi-environment studies this one made (the study it was given stays the caller's).</summary>
    public void Dispose()
    {
        foreach (var other in _environmentStudies.Values) other.Dispose();
        _environmentStudies.Clear();
    }
}
