using DesertSeg.Lab.Adaptation;
using DesertSeg.Lab.Data;
using DesertSeg.Lab.Evaluation.Corruptions;
using DesertSeg.Lab.Inference;
using Microsoft.Data.Analysis;
using static TorchSharp.torch;

namespace DesertSeg.Lab.Evaluation.Robustness;

/// <summary>How a model meets a corrupted split.</summary>
public enum AdaptationAtTest
{
    /// <summary>As trained.</summary>
    Source,

    /// <summary>AdaBN on the corrupted images themselves (the protocol of test-time BatchNorm adaptation on corruption
    /// benchmarks: the shifted images are the unlabelled adaptation data), then scored.</summary>
    AdaBn,

    /// <summary>TENT online on each corrupted set from the source model (reset before every set: TENT's own protocol per
    /// corruption). A set of n images in batches of b gets ceil(n / b) updates, the first batch predicted before any:
    /// with b >= n TENT predicts exactly as batch statistics do (AdaBN on the set), so its batch size must be below the
    /// set's for its entropy steps to reach a scored pixel.</summary>
    Tent,

    /// <summary>TENT online over every corrupted set in sequence without a reset (the continual protocol of CoTTA, Wang et
    /// al., CVPR 2022): each set is predicted by the model every earlier set adapted.</summary>
    TentContinual,
}

/// <summary>One cell of the grid: a corruption at a severity and the mIoU on it.</summary>
/// <param name="UpdatesBefore">Online adaptation: updates made before the set's first batch was predicted (earlier sets'
/// in the continual protocol).</param>
/// <param name="Updates">Online adaptation: updates made while the set was scored (one per batch per step; the batch k
/// of the set, from 0, is predicted after UpdatesBefore + k * steps of them).</param>
public sealed record RobustnessCell(string Corruption, CorruptionFamily Family, int Severity, double MeanIoU,
    int UpdatesBefore = 0, int Updates = 0);

/// <summary>A model's mIoU on the clean split and on every corrupted copy scored.</summary>
public sealed record RobustnessResult(string Model, AdaptationAtTest Method, string Split, double CleanMeanIoU,
    IReadOnlyList<RobustnessCell> Cells)
{
    /// <summary>The mean over every cell (every corruption at every severity scored).</summary>
    public double MeanIoU => Cells.Average(c => c.MeanIoU);

    /// <summary>Rows: corruptions; columns: family, each severity's mIoU, their mean.</summary>
    public DataFrame Table()
    {
        var corruptions = Cells.Select(c => c.Corruption).Distinct().ToList();
        var severities = Cells.Select(c => c.Severity).Distinct().Order().ToList();
        var columns = new List<DataFrameColumn>
        {
            new StringDataFrameColumn("Corruption", corruptions),
            new StringDataFrameColumn("Family", corruptions.Select(n => Cells.First(c => c.Corruption == n).Family.ToString())),
        };
        foreach (int s in severities)
            columns.Add(new DoubleDataFrameColumn($"Severity {s}", corruptions.Select(n =>
                Cells.FirstOrDefault(c => c.Corruption == n && c.Severity == s) is { } cell
                    ? (double?)Math.Round(cell.MeanIoU, 4)
                    : null)));
        columns.Add(new DoubleDataFrameColumn("Mean",
            corruptions.Select(n => (double?)Math.Round(Cells.Where(c => c.Corruption == n).Average(c => c.MeanIoU), 4))));
        if (Cells.Any(c => c.Updates > 0))
            columns.Add(new StringDataFrameColumn("Updates before a scored batch", corruptions.Select(n =>
            {
                var mine = Cells.Where(c => c.Corruption == n).ToList();
                return $"{mine.Min(c => c.UpdatesBefore)}-{mine.Max(c => c.UpdatesBefore + c.Updates - 1)}";
            })));
        return new DataFrame(columns);
    }
}

/// <summary>
/// The corruption suite ("val-C", after Hendrycks and Dietterich, ICLR 2019): a checkpoint scored on a split corrupted by
/// each corruption at each severity (<see cref="CorruptedSplits"/>: made once, cached), as trained or adapted at test time.
/// Scores are cached beside the corrupted images, per checkpoint and method.
/// </summary>
public static class RobustnessSuite
{
    public static RobustnessResult Score(string checkpoint, DataSplit split, AdaptationAtTest method, IReadOnlyList<Corruption> corruptions,
        IReadOnlyList<int> severities, string? cache = null, Device? device = null, int batchSize = 8, Action<string>? log = null,
        CancellationToken cancellation = default, (int Width, int Height)? corruptAt = null)
    {
        if (corruptions.Count == 0 || severities.Count == 0) throw new ArgumentException("Name at least one corruption and one severity.");
        string cleanScores = Path.Combine(CorruptedSplits.FolderOfSource(split, cache), "clean", $"evaluations-{Name(method)}");
        var clean = ScoreOne(checkpoint, split.RequireComplete(), method, device, batchSize, cleanScores).Metrics.MeanIoU;
        log?.Invoke($"clean {split.Name}: mIoU {clean:F4}");
        var cells = new List<RobustnessCell>();
        if (method == AdaptationAtTest.TentContinual)
        {
            cells.AddRange(ScoreStream(checkpoint, split, corruptions, severities, cache, device, batchSize, log, cancellation, corruptAt));
            return new RobustnessResult(checkpoint, method, split.Name, clean, cells);
        }
        foreach (var corruption in corruptions)
            foreach (int severity in severities)
            {
                cancellation.ThrowIfCancellationRequested();
                var corrupted = CorruptedSplits.Ensure(split, corruption, severity, cache, cancellation, corruptAt);
                string scores = Path.Combine(CorruptedSplits.FolderOf(corrupted), $"evaluations-{Name(method)}");
                double miou = ScoreOne(checkpoint, corrupted, method, device, batchSize, scores).Metrics.MeanIoU;
                int updates = method == AdaptationAtTest.Tent ? (corrupted.Count + batchSize - 1) / batchSize : 0;
                cells.Add(new RobustnessCell(corruption.Name, corruption.Family, severity, miou, 0, updates));
                log?.Invoke($"{corruption.Name} {severity}: mIoU {miou:F4}");
            }
        return new RobustnessResult(checkpoint, method, split.Name, clean, cells);
    }

    /// <summary>
    /// The continual protocol: one TENT model carried through every corrupted set in order (corruption by corruption, each
    /// at every severity), never reset, each set scored as it streams past. Not cached: a set's score depends on every set
    /// before it.
    /// </summary>
    private static IEnumerable<RobustnessCell> ScoreStream(string checkpoint, DataSplit split, IReadOnlyList<Corruption> corruptions,
        IReadOnlyList<int> severities, string? cache, Device? device, int batchSize, Action<string>? log, CancellationToken cancellation,
        (int Width, int Height)? corruptAt)
    {
        using var predictor = Predictor.Load(checkpoint, device: device);
        using var tent = new OnlineTent(predictor.Model, new OnlineTentConfig(BatchSize: batchSize));
        predictor.Online = tent;
        var options = new ScoringOptions(BatchSize: batchSize);
        foreach (var corruption in corruptions)
            foreach (int severity in severities)
            {
                cancellation.ThrowIfCancellationRequested();
                var corrupted = CorruptedSplits.Ensure(split, corruption, severity, cache, cancellation, corruptAt);
                int before = tent.Entropies.Count;
                double miou = SplitScorer.Score(predictor, corrupted, options).Metrics.MeanIoU;
                log?.Invoke($"{corruption.Name} {severity}: mIoU {miou:F4} after {before} updates");
                yield return new RobustnessCell(corruption.Name, corruption.Family, severity, miou, before, tent.Entropies.Count - before);
            }
    }

    private static string Name(AdaptationAtTest method) => method.ToString().ToLowerInvariant();

    /// <summary>One split scored by the checkpoint after the method; cached in <paramref name="cacheFolder"/> when given.</summary>
    public static SplitScore ScoreOne(string checkpoint, DataSplit split, AdaptationAtTest method, Device? device, int batchSize,
        string? cacheFolder)
    {
        var options = new ScoringOptions(BatchSize: batchSize);
        string? key = cacheFolder is null
            ? null
            : ScoreCache.Key([ModelSource.CheckpointFile(checkpoint)], split.Name, split.Name, options);
        if (key is not null && ScoreCache.Read(cacheFolder!, key) is { } known) return known;
        using var predictor = Predictor.Load(checkpoint, device: device);
        switch (method)
        {
            case AdaptationAtTest.AdaBn:
                var images = TargetImages.Open(CorruptedSplits.FolderOf(split));
                AdaptiveBatchNorm.Adapt(predictor.Model, images, predictor.Height, predictor.Width, predictor.Device,
                    new AdaBnConfig(batchSize));
                break;
            case AdaptationAtTest.Tent or AdaptationAtTest.TentContinual:
                predictor.Online = new OnlineTent(predictor.Model, new OnlineTentConfig(BatchSize: batchSize));
                break;
        }
        var score = SplitScorer.Score(predictor, split, options);
        if (key is not null) ScoreCache.Write(cacheFolder!, key, score);
        return score;
    }
}
