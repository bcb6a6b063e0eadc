using DesertSeg.Lab.Evaluation;
using Microsoft.Data.Analysis;

namespace DesertSeg.Lab.Training;

/// <summary>One run folder as the run browser shows it.</summary>
/// <param name="State">finished; interrupted after k epochs; failed; running (or killed) at epoch k.</param>
/// <param name="TestMeanIoU">The best checkpoint's plain test mIoU at native resolution, when it was scored.</param>
/// <param name="Current">False when this code would file the configuration under another folder: its results version or a
/// setting's meaning changed since it was trained, so no study will reuse it.</param>
public sealed record RunSummary(string Name, string Phase, string Scale, string State, int EpochsDone, int Epochs, double? BestValMeanIoU,
    double? TestMeanIoU, string EncoderWeights, DateTimeOffset? Updated, long Bytes, bool Current, string Path);

/// <summary>
/// Every run in a runs folder at a glance (a notebook cell or the CLI), and a way to clear out runs of an old
/// configuration, which no study reuses.
/// </summary>
public static class RunBrowser
{
    public static IReadOnlyList<RunSummary> List(RunStore store) => store.List().Select(Summarise).ToList();

    private static RunSummary Summarise(RunDirectory run)
    {
        RunConfig? config = null;
        try { config = run.ReadConfig(); }
        catch (Exception e) when (e is System.Text.Json.JsonException or ArgumentException or NotSupportedException) { }
        var status = run.ReadStatus();
        var dataset = run.ReadDataset();
        string state = status?.State switch
        {
            RunState.Finished => "finished",
            RunState.Interrupted => $"interrupted after {status.EpochsDone} epoch(s)",
            RunState.Failed => $"failed: {status.Message}",
            RunState.Running => $"running, or killed, at epoch {status.EpochsDone + 1}",
            _ => "not started",
        };
        double? test = null;
        if (dataset is not null && File.Exists(run.BestCheckpoint))
            test = ScoreCache.Read(Path.Combine(run.Path, "evaluations"),
                ScoreCache.Key([run.BestCheckpoint], dataset.Fingerprint, Data.FalconLayout.Test, new ScoringOptions()))?.Metrics.MeanIoU;
        bool current = config is not null && dataset is not null
            && new RunStore(Path.GetDirectoryName(run.Path)!).For(config, dataset.Fingerprint).Name == run.Name;
        long bytes = new DirectoryInfo(run.Path).EnumerateFiles("*", SearchOption.AllDirectories).Sum(f => f.Length);
        return new RunSummary(run.Name, config?.Phase ?? "?", config?.Scale ?? "?", config is null ? "unreadable config.json" : state,
            status?.EpochsDone ?? 0, config?.Epochs ?? 0, status?.BestValMeanIoU, test, config?.EncoderOrigin ?? "?", status?.Updated,
            bytes, current, run.Path);
    }

    /// <summary>Deletes the runs that no study would reuse (<see cref="RunSummary.Current"/> false); returns their names.</summary>
    public static IReadOnlyList<string> DeleteOld(RunStore store) => Delete(List(store).Where(r => !r.Current));

    /// <summary>Deletes these runs' folders; returns their names.</summary>
    public static IReadOnlyList<string> Delete(IEnumerable<RunSummary> runs)
    {
        var deleted = new List<string>();
        foreach (var run in runs)
        {
            Directory.Delete(run.Path, recursive: true);
            deleted.Add(run.Name);
        }
        return deleted;
    }

    /// <summary>The runs as a table, newest first.</summary>
    public static DataFrame Table(IReadOnlyList<RunSummary> runs)
    {
        var now = DateTimeOffset.UtcNow;
        string Age(DateTimeOffset? t) => t is not { } when ? "" : (now - when) switch
        {
            { TotalMinutes: < 60 } a => $"{a.TotalMinutes:F0} min",
            { TotalHours: < 48 } a => $"{a.TotalHours:F0} h",
            var a => $"{a.TotalDays:F0} days",
        };
        return new DataFrame(
            new StringDataFrameColumn("Run", runs.Select(r => r.Name)),
            new StringDataFrameColumn("Phase", runs.Select(r => r.Phase)),
            new StringDataFrameColumn("Scale", runs.Select(r => r.Scale)),
            new StringDataFrameColumn("State", runs.Select(r => r.State + (r.Current ? "" : " (old configuration)"))),
            new StringDataFrameColumn("Epochs", runs.Select(r => $"{r.EpochsDone}/{r.Epochs}")),
            new PrimitiveDataFrameColumn<double>("Best val mIoU", runs.Select(r => r.BestValMeanIoU is { } v ? Math.Round(v, 4) : (double?)null)),
            new PrimitiveDataFrameColumn<double>("Test mIoU", runs.Select(r => r.TestMeanIoU is { } v ? Math.Round(v, 4) : (double?)null)),
            new StringDataFrameColumn("Encoder weights", runs.Select(r => r.EncoderWeights)),
            new StringDataFrameColumn("Age", runs.Select(r => Age(r.Updated))),
            new StringDataFrameColumn("Size", runs.Select(r => $"{r.Bytes / 1048576.0:F1} MB")));
    }
}
