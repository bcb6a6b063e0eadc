using DesertSeg.Lab.Data;
using DesertSeg.Lab.Data.Audit;
using DesertSeg.Lab.Evaluation;
using DesertSeg.Lab.Inference;
using DesertSeg.Lab.Plans;
using DesertSeg.Lab.Training;

namespace DesertSeg.Lab.Studies;

/// <summary>
/// The report's study on one data set at one scale: the audit, the trained phases, and their scores,
/// each computed once and reused (runs by configuration, scores from the run folders), so that notebooks
/// and <c>reproduce</c> step through it cheaply the second time. Everything the tables and figures show
/// comes from here.
/// </summary>
public sealed class Study : IDisposable
{
    private readonly PhaseRunner _runner;
    private readonly TorchSharp.torch.Device? _device;
    private readonly bool _force;
    private readonly HashSet<string> _forced = [];
    private readonly Dictionary<string, PhaseRun> _runs = [];
    private readonly Dictionary<string, Predictor> _predictors = [];
    private readonly Dictionary<string, SplitScore> _scores = [];
    private readonly Dictionary<string, RunConfig> _custom = [];
    private DatasetAudit? _audit;

    /// <param name="data">The data set (Falcon layout with train, val and test).</param>
    /// <param name="scale">full, quick or smoke (see <see cref="PhaseCatalog"/>).</param>
    /// <param name="options">How to train, and from which encoder weights (<see cref="TrainingOptions.EncoderWeightsFile"/>,
    /// <see cref="TrainingOptions.FromScratch"/>).</param>
    /// <param name="force">Retrain each phase once in this study even if a finished run exists.</param>
    /// <param name="seed">The training seed of every run (the catalog's is 42); other seeds repeat the study for error bars.</param>
    public Study(FalconDataset data, string scale, RunStore? store = null, TrainingOptions? options = null,
        ITrainingObserver? observer = null, bool force = false, TextWriter? log = null, int seed = PhaseCatalog.DefaultSeed)
    {
        if (!PhaseCatalog.Scales.Contains(scale))
            throw new ArgumentException($"Unknown scale '{scale}'. Scales: {string.Join(", ", PhaseCatalog.Scales)}.");
        Data = data;
        Scale = scale;
        Log = log ?? TextWriter.Null;
        DatasetFingerprint = Lab.Data.DatasetFingerprint.Of(data);
        Store = store ?? RunStore.Default;
        Observer = observer;
        _runner = new PhaseRunner(Store, data, options, observer);
        Options = options ?? new TrainingOptions();
        _device = options?.Device;
        _force = force;
        Seed = seed;
    }

    /// <summary>The training seed of the study's runs.</summary>
    public int Seed { get; }

    /// <summary>How many training deserts this study's data set has (1: the data set itself; K: a sibling made by
    /// <see cref="AdaptationStudy.EnvironmentStudy"/>) and what they never show: with <see cref="Seed"/>, how the plan names
    /// this study's runs.</summary>
    public int Environments { get; init; } = 1;

    /// <inheritdoc cref="Environments"/>
    public Data.Synthetic.HeldOutFactors HeldOut { get; init; }

    /// <summary>
    /// Called before a phase is looked up or trained (null: nobody): the main job sets it to its <see cref="PlanGate"/>, so
    /// that a run the plan's executor is training in another process is waited for instead of trained here too.
    /// </summary>
    public Action<PlannedRun>? BeforePhase { get; set; }

    /// <summary>
    /// Where the study's long calls (training, scoring) get their cancellation from, asked at each call: a notebook sets
    /// it to the running cell's token, so that the cell's stop button stops the work (a trained epoch stays resumable).
    /// </summary>
    public Func<CancellationToken>? CancellationSource { get; set; }

    /// <summary>
    /// Where long calls other than training (scoring) report how far they are: given what is done and how many items there
    /// are, a progress sink (a notebook shows one display per call, updated in place); null reports nowhere.
    /// </summary>
    public Func<string, int, IProgress<int>?>? ProgressSource { get; set; }

    /// <summary>The cancellation of the call being made now.</summary>
    public CancellationToken Cancellation => CancellationSource?.Invoke() ?? CancellationToken.None;

    public FalconDataset Data { get; }

    /// <summary>Where the study's runs live.</summary>
    public RunStore Store { get; }

    /// <summary>Who hears about training progress (null: nobody).</summary>
    public ITrainingObserver? Observer { get; }

    /// <summary>How the study trains: device, encoder weights, target images for adaptation.</summary>
    public TrainingOptions Options { get; }

    /// <summary>The device predictions run on (null: CUDA when available, else CPU).</summary>
    public TorchSharp.torch.Device? Device => _device;
    public string Scale { get; }
    public string DatasetFingerprint { get; }
    public TextWriter Log { get; }

    /// <summary>The configuration of a phase or variant at this study's scale (or one added with <see cref="Add"/>).</summary>
    public RunConfig Config(string phase) => _custom.TryGetValue(phase, out var custom)
        ? custom
        : PhaseCatalog.Get(PhaseCatalog.Parse(phase), Scale) with { Seed = Seed };

    /// <summary>
    /// Fails now, before any training, when the study's phases would need ImageNet weights that were not given
    /// (see <see cref="MissingEncoderWeightsException"/>); returns where the encoder weights come from.
    /// </summary>
    public string CheckEncoderWeights() => _runner.EncoderWeightsFileFor(Config("3")) ?? "random (from scratch)";

    /// <summary>
    /// Adds an experiment of your own under a name (e.g. Phase 5 with other class weights), so that
    /// <see cref="Phase"/> trains it once and <see cref="Score"/> scores it like the report's phases.
    /// </summary>
    public string Add(string name, RunConfig config)
    {
        config.Validate();
        _custom[name] = config with { Phase = name };
        return name;
    }

    /// <summary>The data audit of every split (computed once).</summary>
    public DatasetAudit Audit() => _audit ??= DatasetAuditor.Audit(Data);

    /// <summary>
    /// The audit of the real Falcon test samples shipped beside the workspace (images only: colour
    /// statistics to hold the synthetic test desert against), or null where there are none.
    /// </summary>
    public SplitAudit? RealTestSamples() => Workspace.FalconSampleImages(FalconLayout.Test) is { } images
        ? DatasetAuditor.AuditSplit(FalconDataset.Open(images).Splits[0])
        : null;

    /// <summary>The test split's absent classes, from its audit: the knowledge behind the report's suppression trick.</summary>
    public AbsentClassSuppression AbsentInTest() => AbsentClassSuppression.FromAudit(Audit()[FalconLayout.Test]);

    /// <summary>A finished run of the phase (trained, resumed or reused).</summary>
    public PhaseRun Phase(string phase)
    {
        if (_runs.TryGetValue(phase, out var known)) return known;
        var config = Config(phase);
        // Dependencies first, so that a forced study retrains Phase 3 before the phases built on it.
        if (PhaseRunner.DependencyOf(config) is { } dependency) Phase(dependency.Phase);
        BeforePhase?.Invoke(new PlannedRun(phase, Environments, HeldOut, Seed));
        var run = _runner.Ensure(config, _force && _forced.Add(phase), Cancellation);
        Log.WriteLine($"{config.Name}: {run.Outcome.ToString().ToLowerInvariant()} ({run.Directory.Path})");
        return _runs[phase] = run;
    }

    /// <summary>The folder the phase's run trains into, without training anything (null while its parent is not finished).</summary>
    public RunDirectory? Locate(string phase) => _runner.Locate(Config(phase));

    /// <summary>The predictor of a phase's best checkpoint (kept for the study's lifetime).</summary>
    public Predictor Predictor(string phase)
    {
        if (_predictors.TryGetValue(phase, out var known)) return known;
        return _predictors[phase] = Inference.Predictor.Load(Phase(phase).Directory.Path, device: _device);
    }

    /// <summary>
    /// A phase's score on a split (native resolution unless asked otherwise), read from the run folder's
    /// cache when this exact score was computed before.
    /// </summary>
    public SplitScore Score(string phase, string split, PredictionOptions? prediction = null,
        ScoringProtocol protocol = ScoringProtocol.Native)
    {
        var run = Phase(phase);
        // A predictor the study already keeps (Phase 5's, for the galleries and the benchmark) is used; any other is loaded for
        // this scoring and let go, so that scoring twenty runs does not keep twenty models.
        return ScoreCheckpoints([run.Directory.BestCheckpoint], run.Directory.Path, split, new ScoringOptions(protocol, prediction),
            _predictors.TryGetValue(phase, out var kept) ? () => kept : null);
    }

    /// <summary>
    /// The score of one checkpoint, or of the ensemble (mean softmax) of several, on a split of this study's data, cached in
    /// <paramref name="folder"/>/evaluations under a key of everything that determines it (<see cref="ScoreCache.Key"/>).
    /// </summary>
    /// <param name="predictor">A loaded predictor of these checkpoints to use (kept by the caller); null loads one for the scoring.</param>
    public SplitScore ScoreCheckpoints(IReadOnlyList<string> checkpoints, string folder, string split, ScoringOptions? options = null,
        Func<Predictor>? predictor = null)
    {
        options ??= new ScoringOptions();
        string key = ScoreCache.Key(checkpoints, DatasetFingerprint, split, options);
        string cache = Path.Combine(folder, "evaluations");
        // The folder is part of the identity: the same checkpoint scored another way (online TENT) is cached elsewhere.
        string memoryKey = Path.GetFullPath(cache) + "|" + key;
        if (_scores.TryGetValue(memoryKey, out var known)) return known;
        var score = ScoreCache.Read(cache, key);
        if (score is null)
        {
            if (predictor is not null)
                score = SplitScorer.Score(predictor(), Data[split], options, Progress($"scoring {Path.GetFileName(folder)} on {split}", split, options.Limit),
                    Cancellation);
            else
            {
                using var loaded = checkpoints.Count == 1
                    ? Inference.Predictor.Load(checkpoints[0], device: _device)
                    : Inference.Predictor.Ensemble(checkpoints, _device);
                score = SplitScorer.Score(loaded, Data[split], options, Progress($"scoring {Path.GetFileName(folder)} on {split}", split, options.Limit),
                    Cancellation);
            }
            ScoreCache.Write(cache, key, score);
            Log.WriteLine($"{Path.GetFileName(folder)}: scored {score.Label}: mIoU {score.Metrics.MeanIoU:F4}");
        }
        return _scores[memoryKey] = score;
    }

    private IProgress<int>? Progress(string what, string split, int? limit) =>
        ProgressSource?.Invoke(what, Math.Min(Data[split].Count, limit ?? int.MaxValue));

    /// <summary>A progress display for <paramref name="total"/> units of work of a call outside training (estimation, say)
    /// where <see cref="ProgressSource"/> shows one (a notebook cell); null elsewhere.</summary>
    public IProgress<int>? Progress(string what, int total) => ProgressSource?.Invoke(what, total);

    /// <summary>Prediction with the original's TTA (0.75/1.0/1.25, flip).</summary>
    public static PredictionOptions Tta { get; } = new(TestTimeAugmentation.Original);

    /// <summary>Prediction with the test split's absent classes suppressed.</summary>
    public PredictionOptions Suppressed => new(Suppression: AbsentInTest());

    /// <summary>Speed and memory of a phase's model at its input size (Table 6), single scale and with TTA.</summary>
    public BenchmarkResult Bench(string phase, int repeats = 5) =>
        SpeedBenchmark.Run(Predictor(phase), new BenchmarkOptions(Warmup: 1, Repeats: repeats, Tta: TestTimeAugmentation.Original));

    public void Dispose()
    {
        foreach (var p in _predictors.Values) p.Dispose();
        _predictors.Clear();
    }
}
