using DesertSeg.Lab.Data;
using DesertSeg.Lab.Inference;
using DesertSeg.Lab.IO;
using DesertSeg.Lab.Reporting;
using Microsoft.Data.Analysis;

namespace DesertSeg.Lab.Evaluation;

/// <summary>One picture of a gallery of scored images: image | truth | prediction, with its score.</summary>
/// <param name="Id">The image's id.</param>
/// <param name="MeanIoU">Its own mIoU (the ranking key).</param>
/// <param name="Caption">A line to print under it.</param>
/// <param name="Panel">The composed picture.</param>
public sealed record GalleryItem(string Id, double? MeanIoU, string Caption, RgbImage Panel)
{
    public byte[] ToPng() => SegmentationPanels.ToPng(Panel);
}

/// <summary>
/// The report's section 6 as tables: where each class's pixels go (row-normalised confusion), per-class
/// scores, validation against test per class (Table 7 / Figure 6), and the worst and best images
/// (Figures 8 and 9).
/// </summary>
public static class FailureAnalysis
{
    /// <summary>Per class: IoU, precision, recall, pixels in truth and prediction, share of the split's labelled pixels.</summary>
    public static DataFrame PerClassFrame(SplitScore score)
    {
        var m = score.Metrics;
        var classes = score.Scheme.Classes;
        return new DataFrame(
            new StringDataFrameColumn("Class", classes.Select(c => c.Name)),
            new Int32DataFrameColumn("Raw value", classes.Select(c => (int)c.RawValue)),
            new DoubleDataFrameColumn("IoU", m.IoU),
            new DoubleDataFrameColumn("Precision", m.Precision),
            new DoubleDataFrameColumn("Recall", m.Recall),
            new Int64DataFrameColumn("Truth pixels", m.TruePixels),
            new Int64DataFrameColumn("Predicted pixels", m.PredictedPixels),
            new DoubleDataFrameColumn("Truth %", m.TruePixels.Select(p => 100.0 * p / m.Pixels)));
    }

    /// <summary>
    /// The confusion matrix, one row per true class: with <paramref name="normalized"/> each row sums to 1
    /// ("where each class's pixels go"; empty for a class with no pixels), otherwise pixel counts.
    /// </summary>
    public static DataFrame ConfusionFrame(SplitScore score, bool normalized = true)
    {
        var names = score.Scheme.ClassNames;
        var rows = score.Confusion.RowNormalized();
        var columns = new List<DataFrameColumn> { new StringDataFrameColumn("True class", names) };
        for (int p = 0; p < names.Count; p++)
        {
            int col = p;
            columns.Add(normalized
                ? new DoubleDataFrameColumn(names[p],
                    Enumerable.Range(0, names.Count).Select(t => double.IsNaN(rows[t, col]) ? (double?)null : rows[t, col]))
                : new Int64DataFrameColumn(names[p], Enumerable.Range(0, names.Count).Select(t => score.Confusion[t, col])));
        }
        columns.Add(new Int64DataFrameColumn("Pixels", score.Metrics.TruePixels));
        return new DataFrame(columns);
    }

    /// <summary>Where the pixels of one true class went, largest share first (e.g. "61% of test Rocks became Ground Clutter").</summary>
    public static DataFrame WhereClassGoes(SplitScore score, string className)
    {
        int t = score.Scheme.IndexOf(className);
        if (t < 0)
            throw new KeyNotFoundException(
                $"Class '{className}' is not in the {score.Scheme.Name} scheme ({string.Join(", ", score.Scheme.ClassNames)}).");
        long row = Enumerable.Range(0, score.Scheme.Count).Sum(p => score.Confusion[t, p]);
        var order = Enumerable.Range(0, score.Scheme.Count).OrderByDescending(p => score.Confusion[t, p]).ToList();
        return new DataFrame(
            new StringDataFrameColumn("Predicted as", order.Select(p => score.Scheme.Classes[p].Name)),
            new Int64DataFrameColumn("Pixels", order.Select(p => score.Confusion[t, p])),
            new DoubleDataFrameColumn("Share", order.Select(p => row > 0 ? (double?)score.Confusion[t, p] / row : null)));
    }

    /// <summary>Share of <paramref name="trueClass"/>'s pixels predicted as <paramref name="predictedClass"/>; null when the class
    /// has no pixels.</summary>
    public static double? Share(SplitScore score, string trueClass, string predictedClass)
    {
        int t = score.Scheme.IndexOf(trueClass), p = score.Scheme.IndexOf(predictedClass);
        if (t < 0 || p < 0)
            throw new KeyNotFoundException($"'{trueClass}' or '{predictedClass}' is not in the {score.Scheme.Name} scheme.");
        double v = score.Confusion.RowNormalized()[t, p];
        return double.IsNaN(v) ? null : v;
    }

    /// <summary>
    /// Table 7: per-class IoU on validation and test, the gap, the test share of pixels, and the report's
    /// values beside them ("Val" is <paramref name="val"/>'s split, "Test" <paramref name="test"/>'s). Both
    /// scores must use the same class scheme.
    /// </summary>
    public static DataFrame ValTestFrame(SplitScore val, SplitScore test)
    {
        if (val.Scheme != test.Scheme)
            throw new ArgumentException(
                $"Validation is scored in the {val.Scheme.Name} scheme, test in {test.Scheme.Name}; they cannot be compared per class.");
        var classes = val.Scheme.Classes;
        var (v, t) = (val.Metrics, test.Metrics);
        double? Reported(string name, bool isVal) =>
            ReportedNumbers.ClassIoU.TryGetValue(name, out var r) ? (isVal ? r.Val : r.Test) : null;
        return new DataFrame(
            new StringDataFrameColumn("Class", classes.Select(c => c.Name)),
            new DoubleDataFrameColumn("Val IoU", v.IoU),
            new DoubleDataFrameColumn("Test IoU", t.IoU),
            new DoubleDataFrameColumn("Gap", Enumerable.Range(0, classes.Count).Select(i => v.IoU[i] - t.IoU[i])),
            new DoubleDataFrameColumn("Test px %", t.TruePixels.Select(p => 100.0 * p / t.Pixels)),
            new DoubleDataFrameColumn("Report val IoU", classes.Select(c => Reported(c.Name, true))),
            new DoubleDataFrameColumn("Report test IoU", classes.Select(c => Reported(c.Name, false))));
    }

    /// <summary>Every image with its own mIoU and pixel accuracy, in file order.</summary>
    public static DataFrame ImagesFrame(SplitScore score) => new(
        new StringDataFrameColumn("Id", score.Images.Select(i => i.Id)),
        new DoubleDataFrameColumn("mIoU", score.Images.Select(i => i.MeanIoU)),
        new DoubleDataFrameColumn("Pixel accuracy", score.Images.Select(i => i.PixelAccuracy)),
        new Int64DataFrameColumn("Labelled pixels", score.Images.Select(i => i.Pixels)),
        new StringDataFrameColumn("Worst class", score.Images.Select(i => WorstClass(i, score.Scheme))));

    private static string WorstClass(ImageScore image, ClassScheme scheme)
    {
        var metrics = image.Metrics;
        if (metrics is null) return "";
        var worst = Enumerable.Range(0, scheme.Count).Where(c => metrics.TruePixels[c] > 0)
            .OrderBy(c => metrics.IoU[c]).ThenByDescending(c => metrics.TruePixels[c]).FirstOrDefault(-1);
        return worst < 0 ? "" : $"{scheme.Classes[worst].Name} ({metrics.IoU[worst]:F2})";
    }

    /// <summary>The <paramref name="k"/> images with the lowest mIoU (Figure 8); ties by id. Fully ignored images are left out.</summary>
    public static IReadOnlyList<ImageScore> Worst(SplitScore score, int k) =>
        score.Images.Where(i => i.MeanIoU.HasValue).OrderBy(i => i.MeanIoU).ThenBy(i => i.Id, StringComparer.Ordinal).Take(k).ToList();

    /// <summary>The <paramref name="k"/> images with the highest mIoU (Figure 9).</summary>
    public static IReadOnlyList<ImageScore> Best(SplitScore score, int k) =>
        score.Images.Where(i => i.MeanIoU.HasValue).OrderByDescending(i => i.MeanIoU).ThenBy(i => i.Id, StringComparer.Ordinal)
            .Take(k).ToList();

    /// <summary>
    /// Panels for scored images whose predictions are files (<see cref="ImageScore.PredictionPath"/>):
    /// image | truth | prediction, or truth | prediction when the image is unknown.
    /// </summary>
    public static IReadOnlyList<GalleryItem> Gallery(IEnumerable<ImageScore> images, int maxWidth = 1440) =>
        images.Select(i => Item(i, MaskFiles.ReadRaw(i.PredictionPath
            ?? throw new InvalidOperationException($"Image {i.Id} was scored from a model, not a prediction file; pass the predictor.")),
            maxWidth)).ToList();

    /// <summary>Panels for scored images, predicting each again with <paramref name="predictor"/> (at native resolution).</summary>
    public static IReadOnlyList<GalleryItem> Gallery(IEnumerable<ImageScore> images, Predictor predictor, PredictionOptions? options = null,
        int maxWidth = 1440) =>
        images.Select(i => Item(i, predictor.PredictRaw(ImageFiles.ReadRgb(i.ImagePath
            ?? throw new InvalidOperationException($"Image {i.Id} has no image file to predict on.")), options), maxWidth)).ToList();

    private static GalleryItem Item(ImageScore score, RawMask prediction, int maxWidth)
    {
        var truth = MaskFiles.ReadRaw(score.MaskPath);
        var panel = score.ImagePath is { } path
            ? SegmentationPanels.Compare(ImageFiles.ReadRgb(path), truth, prediction)
            : SegmentationPanels.SideBySide([("ground truth", MaskFiles.Colorize(truth)), ("prediction", MaskFiles.Colorize(prediction))]);
        string caption = $"{score.Id}: mIoU {score.MeanIoU:F3}, pixel accuracy {score.PixelAccuracy:P1}";
        return new GalleryItem(score.Id, score.MeanIoU, caption, SegmentationPanels.Shrink(panel, maxWidth));
    }
}
