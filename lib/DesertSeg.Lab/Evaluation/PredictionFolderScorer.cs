using System.Runtime.ExceptionServices;
using DesertSeg.Lab.Data;
using DesertSeg.Lab.IO;

namespace DesertSeg.Lab.Evaluation;

/// <summary>
/// Scores a folder of predicted masks (16-bit PNGs of raw class values, the ground-truth format) against a
/// folder of ground-truth masks, paired by file name. Any model's predictions can be scored this way,
/// the original project's included.
/// </summary>
/// <remarks>
/// In the 10-class scheme every raw value is its own class. In the 7-class scheme Ground Clutter, Flowers
/// and Logs truth pixels are ignored, as the original's Phase-5 evaluation did; a prediction of one of
/// those classes then has no column to go to and is refused.
/// </remarks>
public static class PredictionFolderScorer
{
    /// <summary>Raw values a prediction may hold: the ten class values.</summary>
    private static readonly HashSet<int> ClassValues = FalconClass.All.Select(c => (int)c.RawValue).ToHashSet();

    public static SplitScore Score(string predictions, string truth, ClassScheme? scheme = null, IProgress<int>? progress = null)
    {
        scheme ??= ClassScheme.TenClass;
        string truthFolder = MaskFolderOf(truth);
        string predictionFolder = PredictionFolderOf(predictions);
        var truthById = Masks(truthFolder);
        if (truthById.Count == 0) throw new DataFormatException(truthFolder, "no ground-truth masks (.png) in this folder.");
        var predictionById = Masks(predictionFolder);
        foreach (var (id, path) in truthById)
            if (!predictionById.ContainsKey(id))
                throw new DataFormatException(path, $"ground-truth mask has no prediction named {id}.png in {predictionFolder}.");

        // An image beside the masks (Falcon layout: ../Color_Images) lets galleries show it.
        string? imageFolder = Path.GetFileName(truthFolder) == FalconLayout.Masks
            ? Path.Combine(Path.GetDirectoryName(truthFolder)!, FalconLayout.Images) : null;

        var ids = truthById.Keys.ToList();
        var scores = new ImageScore[ids.Count];
        int done = 0;
        try
        {
            Parallel.For(0, ids.Count, IO.BoundedParallelism.Options(), i =>
            {
                string id = ids[i];
                scores[i] = ScoreOne(id, predictionById[id], truthById[id], ImageOf(imageFolder, id), scheme);
                progress?.Report(Interlocked.Increment(ref done));
            });
        }
        catch (AggregateException e)
        {
            // Report the first failing file the way a sequential loop would have.
            ExceptionDispatchInfo.Capture(e.Flatten().InnerExceptions.OrderBy(x => x is DataFormatException d ? d.Message : "").First())
                .Throw();
        }
        var total = new ConfusionMatrix(scheme.Count);
        foreach (var s in scores) total.Add(s.Confusion);
        string split = Path.GetFileName(imageFolder is null ? truthFolder : Path.GetDirectoryName(truthFolder)!);
        return new SplitScore(split, ScoringProtocol.Native, scheme, $"prediction files in {predictionFolder}", total, scores);
    }

    private static ImageScore ScoreOne(string id, string predictionPath, string truthPath, string? imagePath, ClassScheme scheme)
    {
        var predicted = MaskFiles.ReadRaw(predictionPath);
        var truth = MaskFiles.ReadRaw(truthPath);
        if (predicted.Width != truth.Width || predicted.Height != truth.Height)
            throw new DataFormatException(predictionPath,
                $"prediction is {predicted.Width}x{predicted.Height} but its ground truth {truthPath} is {truth.Width}x{truth.Height}.");
        var seen = new bool[ushort.MaxValue + 1];
        foreach (var v in predicted.Values) seen[v] = true;
        var unknown = Enumerable.Range(0, seen.Length).Where(v => seen[v] && !ClassValues.Contains(v)).ToList();
        if (unknown.Count > 0)
            throw new DataFormatException(predictionPath,
                $"prediction holds value(s) {string.Join(", ", unknown.Take(10))} that are no class value " +
                $"({string.Join(", ", FalconClass.All.Select(c => c.RawValue))}).");
        var outside = FalconClass.All.Where(c => seen[c.RawValue] && scheme.IndexOf(c.Name) < 0).ToList();
        if (outside.Count > 0)
            throw new DataFormatException(predictionPath,
                $"prediction holds {string.Join(", ", outside.Select(c => $"{c.Name} ({c.RawValue})"))}, " +
                $"which the {scheme.Name} scheme has no class for; score with the 10-class scheme.");
        var confusion = new ConfusionMatrix(scheme.Count);
        // Unknown truth values map to ignore through the look-up table, as in training.
        confusion.Add(scheme.Remap(predicted.Values), scheme.Remap(truth.Values));
        return new ImageScore(id, imagePath, truthPath, predictionPath, confusion);
    }

    private static string? ImageOf(string? imageFolder, string id)
    {
        if (imageFolder is null) return null;
        return ImageFiles.Extensions.Select(e => Path.Combine(imageFolder, id + e)).FirstOrDefault(File.Exists);
    }

    /// <summary>A folder of masks, or a split folder holding Segmentation/.</summary>
    private static string MaskFolderOf(string folder)
    {
        folder = Path.GetFullPath(folder);
        if (!Directory.Exists(folder)) throw new DataFormatException(folder, "ground-truth folder not found.");
        string masks = Path.Combine(folder, FalconLayout.Masks);
        return Directory.Exists(masks) ? masks : folder;
    }

    /// <summary>A folder of raw predictions, or a predict output folder holding raw/.</summary>
    private static string PredictionFolderOf(string folder)
    {
        folder = Path.GetFullPath(folder);
        if (!Directory.Exists(folder)) throw new DataFormatException(folder, "prediction folder not found.");
        string raw = Path.Combine(folder, "raw");
        return Directory.Exists(raw) && !Directory.EnumerateFiles(folder, "*.png").Any() ? raw : folder;
    }

    private static SortedDictionary<string, string> Masks(string folder)
    {
        var byId = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var file in Directory.EnumerateFiles(folder, "*.png"))
            byId[Path.GetFileNameWithoutExtension(file)] = file;
        return byId;
    }
}
