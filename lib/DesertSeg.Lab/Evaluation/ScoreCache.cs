using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using DesertSeg.Lab.Data;
using DesertSeg.Lab.IO;

namespace DesertSeg.Lab.Evaluation;

/// <summary>
/// Scores saved beside the model they score (in its run folder), keyed by everything that determines
/// them: checkpoint files, data set, split, protocol, prediction options and <see cref="ResultVersions.Scoring"/>.
/// A second pass through the notebooks or <c>reproduce</c> reads them instead of predicting again.
/// </summary>
public static class ScoreCache
{
    private sealed record ImageEntry(string Id, string? ImagePath, string MaskPath, long[] Counts);

    private sealed record Entry(string Key, string Split, ScoringProtocol Protocol, string Scheme, string Method,
        int InputHeight, int InputWidth, long[] Counts, List<ImageEntry> Images);

    /// <summary>
    /// The key of a score: changes whenever a checkpoint (path, size, write time), the data, split, protocol, options or
    /// <see cref="ResultVersions.Scoring"/> do. Several checkpoints are scored as one ensemble (their mean softmax).
    /// </summary>
    public static string Key(IReadOnlyList<string> checkpoints, string datasetFingerprint, string split, ScoringOptions options)
    {
        var files = checkpoints.Select(c => new FileInfo(c)).Select(i => $"{i.FullName}|{i.Length}|{i.LastWriteTimeUtc.Ticks}");
        string text = $"{string.Join("+", files)}|{datasetFingerprint}|{split}|{options.Protocol}|{options.PredictionOrPlain}|" +
            $"{options.Limit}|{ResultVersions.Scoring}";
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..16].ToLowerInvariant();
    }

    /// <summary>The cached score of <paramref name="key"/> in <paramref name="folder"/>, or null.</summary>
    public static SplitScore? Read(string folder, string key)
    {
        string path = Path.Combine(folder, key + ".json");
        if (!File.Exists(path)) return null;
        Entry? entry;
        try { entry = JsonSerializer.Deserialize<Entry>(File.ReadAllText(path)); }
        catch (JsonException) { return null; } // an unreadable cache entry is simply recomputed
        if (entry is null || entry.Key != key) return null;
        var scheme = ClassScheme.ByName(entry.Scheme);
        return new SplitScore(entry.Split, entry.Protocol, scheme, entry.Method,
            ConfusionMatrix.FromCounts(scheme.Count, entry.Counts),
            entry.Images.Select(i => new ImageScore(i.Id, i.ImagePath, i.MaskPath, null,
                ConfusionMatrix.FromCounts(scheme.Count, i.Counts))).ToList(),
            entry.InputHeight, entry.InputWidth);
    }

    public static void Write(string folder, string key, SplitScore score)
    {
        var entry = new Entry(key, score.Split, score.Protocol, score.Scheme.Name, score.Method, score.InputHeight, score.InputWidth,
            score.Confusion.Counts(),
            score.Images.Select(i => new ImageEntry(i.Id, i.ImagePath, i.MaskPath, i.Confusion.Counts())).ToList());
        AtomicFile.WriteAllText(Path.Combine(folder, key + ".json"), JsonSerializer.Serialize(entry));
    }
}
