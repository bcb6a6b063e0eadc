using System.Security.Cryptography;
using System.Text;
using DesertSeg.Lab.Adaptation;
using DesertSeg.Lab.Data;
using DesertSeg.Lab.Data.Synthetic;
using DesertSeg.Lab.Evaluation;
using DesertSeg.Lab.Inference;
using DesertSeg.Lab.Training;
using Microsoft.Data.Analysis;

namespace DesertSeg.Lab.Studies;

/// <summary>One line of the domain-adaptation table: a method, what it is made of, where its model is, and its test score.</summary>
/// <param name="Kind">"baseline", "test-time", "training", "ensemble" or "oracle".</param>
/// <param name="Evidence">The run folders or checkpoints behind the number.</param>
/// <param name="Checkpoints">The checkpoint(s) that predict (several: their logits are averaged).</param>
public sealed record AdaptationResult(string Method, string Kind, string Evidence, IReadOnlyList<string> Checkpoints, SplitScore Test, double? TrainingSeconds);

/// <summary>
/// The domain-adaptation lab (beyond the report, its section 8): every method scored on the test environment against
/// the source-only model (Phase 5) and the oracle (Phase 5 trained on labelled target scenes), with
/// gap closed = (method - source) / (oracle - source). Training-time methods are runs of the study
/// (<see cref="PhaseCatalog.AdaptationRuns"/>, or your own with <see cref="Study.Add"/>); test-time methods adapt the
/// source-only checkpoint once and keep the result in its run folder (adapted/), keyed by method and target images.
/// Adaptation only sees the unlabelled target images, which are checked to be disjoint from the test split.
/// </summary>
public sealed class AdaptationStudy(Study study) : IDisposable
{
    private TargetImages? _target;

    public Study Study => study;

    /// <summary>The unlabelled target images (the study's <see cref="TrainingOptions.TargetFolder"/>, else the data set's own).</summary>
    public TargetImages Target
    {
        get
        {
            if (_target is not null) return _target;
            var target = TargetImages.Open(study.Options.TargetFolder ?? TargetLayout.UnlabelledFolder(study.Data.Root));
            target.CheckDisjointFrom(study.Data[FalconLayout.Test], study.Options.Transductive);
            return _target = target;
        }
    }

    /// <summary>
    /// The line-up of the lab (and of <c>reproduce</c>), in table order. Self-training with MIC is a method of the lab
    /// too (<see cref="Result"/>, run "5-mic") but not in the line-up: at quick scale it scored below plain self-training
    /// (0.3425 vs 0.3892 test mIoU) and costs 2.5 minutes that the reproduction's 30-minute budget does not have.
    /// </summary>
    public static readonly string[] Methods =
    [
        "Source only", "AdaBN", "TENT", "FDA beta 0.01", "FDA beta 0.05", "FDA beta 0.09", "FDA multi-band ensemble",
        "Colour-statistics style", "Self-training (DACS)", "Self-training + AdaBN",
        "Ensemble: self-training, FDA, style", "Multi-environment K=4", "Multi-environment K=4 + self-training", "Oracle",
    ];

    /// <summary>
    /// The line-up at a scale: <see cref="Methods"/>, except that the smoke scale (a check of every code path, in the
    /// test suite) leaves out FDA's beta 0.05 and 0.09 runs, their multi-band ensemble and self-training on four
    /// environments: three trainings that exercise nothing the other lines do not.
    /// </summary>
    public static IReadOnlyList<string> MethodsAt(string scale) => scale == "smoke"
        ? Methods.Where(m => m is not ("FDA beta 0.05" or "FDA beta 0.09" or "FDA multi-band ensemble" or "Multi-environment K=4 + self-training")).ToList()
        : Methods;

    /// <summary>The number of training environments of the multi-environment lines.</summary>
    public const int Environments = 4;

    /// <summary>The methods this data set allows: all of <see cref="Methods"/>, without the oracle where there are no labelled target scenes.</summary>
    public IReadOnlyList<string> AvailableMethods => MethodsAt(study.Scale)
        .Where(m => m != "Oracle" || Directory.Exists(TargetLayout.OracleFolder(study.Data.Root)))
        .Where(m => !m.StartsWith("Multi-environment", StringComparison.Ordinal) || SyntheticFalconWriter.ReadManifest(study.Data.Root) is not null)
        .ToList();

    /// <summary>Every available method, trained or adapted as needed, scored on test.</summary>
    public IReadOnlyList<AdaptationResult> All() => AvailableMethods.Select(Result).ToList();

    /// <summary>One method of <see cref="Methods"/>.</summary>
    public AdaptationResult Result(string method) => method switch
    {
        "Source only" => Run(method, "baseline", "5"),
        "AdaBN" => TestTime(method, "5", "adabn"),
        "TENT" => TestTime(method, "5", "tent"),
        "FDA beta 0.01" => Run(method, "training", "5-fda"),
        "FDA beta 0.05" => Run(method, "training", "5-fda-b05"),
        "FDA beta 0.09" => Run(method, "training", "5-fda-b09"),
        "FDA multi-band ensemble" => Ensemble(method, "5-fda", "5-fda-b05", "5-fda-b09"),
        "Colour-statistics style" => Run(method, "training", "5-style"),
        "Self-training (DACS)" => Run(method, "training", "5-self-training"),
        "Self-training + MIC" => Run(method, "training", "5-mic"),
        "Self-training + AdaBN" => TestTime(method, "5-self-training", "adabn"),
        "Ensemble: self-training, FDA, style" => Ensemble(method, "5-self-training", "5-fda", "5-style"),
        "Multi-environment K=4" => MultiEnvironment(method, Environments, "5"),
        "Multi-environment K=4 + self-training" => MultiEnvironment(method, Environments, "5-self-training"),
        "Oracle" => Run(method, "oracle", "5-oracle"),
        _ => throw new ArgumentException($"Unknown adaptation method '{method}'. Methods: {string.Join(", ", Methods)}, Self-training + MIC."),
    };

    /// <summary>A run of the study (a catalog name or one added with <see cref="Study.Add"/>) as a line of the table.</summary>
    public AdaptationResult Run(string method, string kind, string phase)
    {
        var run = study.Phase(phase);
        return new AdaptationResult(method, kind, run.Directory.Path, [run.Directory.BestCheckpoint], study.Score(phase, FalconLayout.Test),
            run.Directory.ReadHistory().Sum(h => h.Seconds));
    }

    private readonly Dictionary<int, Study> _environmentStudies = [];

    /// <summary>
    /// The same study on the synthetic data set whose training and validation scenes come from <paramref name="k"/>
    /// training deserts (<see cref="RandomisedEnvironments"/>), generated once beside this one (same seed and counts: the
    /// test, target and oracle scenes are the same images). Same runs folder and options.
    /// </summary>
    public Study EnvironmentStudy(int k)
    {
        if (k == 1) return study;
        if (_environmentStudies.TryGetValue(k, out var known)) return known;
        var manifest = SyntheticFalconWriter.ReadManifest(study.Data.Root)
            ?? throw new InvalidOperationException($"{study.Data.Root}: multi-environment training needs the synthetic generator's data set (a real data set has one environment).");
        string root = study.Data.Root.TrimEnd(Path.DirectorySeparatorChar) + $"-k{k}";
        study.Log.WriteLine($"Training scenes from {k} environments: {root}");
        // Only the training side differs: the target images are this data set's (none are generated there).
        EmbeddedDataset.Ensure(root, manifest.Spec with { Environments = k, TargetCount = 0, OracleCount = 0 });
        var options = study.Options with { TargetFolder = Target.Folder };
        var other = new Study(FalconDataset.Open(root), study.Scale, study.Store, options, study.Observer, log: study.Log);
        return _environmentStudies[k] = other;
    }

    /// <summary>A phase trained on K environments (same number of training images), scored on the (same) test scenes.</summary>
    public AdaptationResult MultiEnvironment(string method, int k, string phase)
    {
        var other = EnvironmentStudy(k);
        var run = other.Phase(phase);
        return new AdaptationResult(method, "training", run.Directory.Path, [run.Directory.BestCheckpoint], other.Score(phase, FalconLayout.Test),
            run.Directory.ReadHistory().Sum(h => h.Seconds));
    }

    /// <summary>
    /// Does diversity beat volume? Phase 5 trained on the same number of images drawn from 1, 2, 4, ... environments,
    /// each scored on the test scenes: one line per K.
    /// </summary>
    public IReadOnlyList<AdaptationResult> EnvironmentSweep(params int[] ks) =>
        ks.Select(k => MultiEnvironment($"K={k} environments", k, "5")).ToList();

    /// <summary>The checkpoint of <paramref name="phase"/> adapted by a test-time method ("adabn" or "tent"), made once.</summary>
    public string AdaptedCheckpoint(string phase, string method)
    {
        var run = study.Phase(phase);
        string folder = Path.Combine(run.Directory.Path, "adapted");
        string file = Path.Combine(folder, $"{method}-{Target.Fingerprint}.safetensors");
        if (File.Exists(file)) return file;
        var (label, _) = TestTimeAdaptation.Adapt(run.Directory.BestCheckpoint, method, Target, file, study.Device, study.Options.Transductive);
        study.Log.WriteLine($"{run.Config.Name}: {label} -> {file}");
        return file;
    }

    private AdaptationResult TestTime(string method, string phase, string adaptation)
    {
        // No training time: a test-time method adapts once (seconds; the adapt command and the benchmark time it).
        string checkpoint = AdaptedCheckpoint(phase, adaptation);
        return new AdaptationResult(method, "test-time", checkpoint, [checkpoint], ScoreCheckpoints([checkpoint], Path.GetDirectoryName(checkpoint)!), null);
    }

    private AdaptationResult Ensemble(string method, params string[] phases)
    {
        var checkpoints = phases.Select(p => study.Phase(p).Directory.BestCheckpoint).ToList();
        return new AdaptationResult(method, "ensemble", string.Join("; ", phases.Select(p => study.Phase(p).Directory.Path)), checkpoints,
            ScoreCheckpoints(checkpoints, study.Phase(phases[0]).Directory.Path), null);
    }

    /// <summary>The test score of one checkpoint, or of the logit average of several, cached in <paramref name="folder"/>/evaluations.</summary>
    public SplitScore ScoreCheckpoints(IReadOnlyList<string> checkpoints, string folder)
    {
        var options = new ScoringOptions();
        string key = string.Join("+", checkpoints.Select(c => ScoreCache.Key(c, study.DatasetFingerprint, FalconLayout.Test, options)));
        if (checkpoints.Count > 1) key = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(key)))[..16].ToLowerInvariant();
        string cache = Path.Combine(folder, "evaluations");
        if (ScoreCache.Read(cache, key) is { } known) return known;
        using var predictor = checkpoints.Count == 1 ? Predictor.Load(checkpoints[0], device: study.Device) : Predictor.Ensemble(checkpoints, study.Device);
        var score = SplitScorer.Score(predictor, study.Data[FalconLayout.Test], options);
        ScoreCache.Write(cache, key, score);
        return score;
    }

    /// <summary>The predictor of a result (an ensemble for several checkpoints); the caller disposes it.</summary>
    public Predictor PredictorOf(AdaptationResult result) => result.Checkpoints.Count == 1
        ? Predictor.Load(result.Checkpoints[0], device: study.Device)
        : Predictor.Ensemble(result.Checkpoints, study.Device);

    /// <summary>The best method by test mIoU (neither the baseline nor the oracle).</summary>
    public static AdaptationResult Best(IReadOnlyList<AdaptationResult> results) =>
        results.Where(r => r.Kind is not ("baseline" or "oracle")).MaxBy(r => r.Test.Metrics.MeanIoU) ?? results[0];

    /// <summary>
    /// Before and after on the test images with the most Rocks pixels: image | truth | <paramref name="before"/> |
    /// <paramref name="after"/>, each prediction at native resolution, captioned with both images' Rocks IoU.
    /// </summary>
    public IReadOnlyList<GalleryItem> RocksBeforeAfter(AdaptationResult before, AdaptationResult after, int count = 3)
    {
        int rocks = before.Test.Scheme.IndexOf("Rocks");
        var images = before.Test.Images.OrderByDescending(i => i.Confusion.Metrics().TruePixels[rocks]).ThenBy(i => i.Id, StringComparer.Ordinal).Take(count).ToList();
        using var a = PredictorOf(before);
        using var b = PredictorOf(after);
        var items = new List<GalleryItem>();
        foreach (var image in images)
        {
            var rgb = IO.ImageFiles.ReadRgb(image.ImagePath!);
            var truth = IO.MaskFiles.ReadRaw(image.MaskPath);
            var pa = a.PredictRaw(rgb);
            var pb = b.PredictRaw(rgb);
            double? RocksIoU(Predictor p, RawMask raw)
            {
                var m = new ConfusionMatrix(p.Scheme.Count);
                m.Add(p.Scheme.Remap(raw.Values), p.Scheme.Remap(truth.Values));
                return m.Metrics().IoU[rocks];
            }
            var panel = Reporting.SegmentationPanels.SideBySide([("image", rgb), ("ground truth", IO.MaskFiles.Colorize(truth)),
                (before.Method, IO.MaskFiles.Colorize(pa)), (after.Method, IO.MaskFiles.Colorize(pb))]);
            string caption = $"{image.Id}: Rocks IoU {RocksIoU(a, pa):F3} ({before.Method}) -> {RocksIoU(b, pb):F3} ({after.Method})";
            items.Add(new GalleryItem(image.Id, null, caption, Reporting.SegmentationPanels.Shrink(panel, 1800)));
        }
        return items;
    }

    /// <summary>
    /// The table: test mIoU, Rocks IoU, gap closed and every class's IoU for each result; the source-only and oracle
    /// lines are found by their kind.
    /// </summary>
    public static DataFrame Table(IReadOnlyList<AdaptationResult> results)
    {
        var source = results.First(r => r.Kind == "baseline").Test.Metrics.MeanIoU;
        var oracle = results.FirstOrDefault(r => r.Kind == "oracle")?.Test.Metrics.MeanIoU;
        var names = results[0].Test.Scheme.ClassNames;
        var columns = new List<DataFrameColumn>
        {
            new StringDataFrameColumn("Method", results.Select(r => r.Method)),
            new StringDataFrameColumn("Kind", results.Select(r => r.Kind)),
            new DoubleDataFrameColumn("Test mIoU", results.Select(r => (double?)Math.Round(r.Test.Metrics.MeanIoU, 4))),
            new DoubleDataFrameColumn("Gap closed", results.Select(r => GapClosed(r.Test.Metrics.MeanIoU, source, oracle) is { } g ? (double?)Math.Round(g, 3) : null)),
        };
        foreach (var name in names)
            columns.Add(new DoubleDataFrameColumn($"{name} IoU", results.Select(r => r.Test.IoU(name) is { } v ? (double?)Math.Round(v, 4) : null)));
        columns.Add(new DoubleDataFrameColumn("Training s", results.Select(r => r.TrainingSeconds is { } s ? (double?)Math.Round(s) : null)));
        return new DataFrame(columns);
    }

    /// <summary>(method - source) / (oracle - source); null without an oracle or when the oracle is no better than the source.</summary>
    public static double? GapClosed(double method, double source, double? oracle) =>
        oracle is { } o && o - source > 1e-9 ? (method - source) / (o - source) : null;

    /// <summary>Disposes the multi-environment studies this one made (the study it was given stays the caller's).</summary>
    public void Dispose()
    {
        foreach (var other in _environmentStudies.Values) other.Dispose();
        _environmentStudies.Clear();
    }
}
