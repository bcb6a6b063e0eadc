namespace DesertSeg.Lab.Evaluation;

/// <summary>
/// Scores from a confusion matrix, with the original's formulas: IoU = inter / (union + 1e-6), and
/// mIoU the mean over classes whose union is not empty. A class absent from both truth and prediction
/// has no IoU (null) and does not count in the mean.
/// </summary>
public sealed record SegmentationMetrics(
    IReadOnlyList<double?> IoU,
    IReadOnlyList<double?> Precision,
    IReadOnlyList<double?> Recall,
    IReadOnlyList<long> TruePixels,
    IReadOnlyList<long> PredictedPixels,
    double MeanIoU,
    double PixelAccuracy,
    long Pixels)
{
    /// <summary>The original's guard against a zero union.</summary>
    public const double Epsilon = 1e-6;

    public static SegmentationMetrics From(ConfusionMatrix m)
    {
        int c = m.ClassCount;
        var iou = new double?[c];
        var precision = new double?[c];
        var recall = new double?[c];
        var truth = new long[c];
        var predicted = new long[c];
        long correct = 0, total = 0;
        for (int k = 0; k < c; k++)
        {
            for (int j = 0; j < c; j++) { truth[k] += m[k, j]; predicted[k] += m[j, k]; }
            correct += m[k, k];
            total += truth[k];
        }
        for (int k = 0; k < c; k++)
        {
            long inter = m[k, k];
            long union = truth[k] + predicted[k] - inter;
            iou[k] = union > 0 ? inter / (union + Epsilon) : null;
            precision[k] = predicted[k] > 0 ? (double)inter / predicted[k] : null;
            recall[k] = truth[k] > 0 ? (double)inter / truth[k] : null;
        }
        if (total == 0)
            throw new InvalidOperationException("No labelled pixels were scored: the split is empty or every pixel is ignored.");
        var present = iou.Where(v => v.HasValue).Select(v => v!.Value).ToList();
        return new SegmentationMetrics(iou, precision, recall, truth, predicted,
            present.Count > 0 ? present.Average() : 0, (double)correct / total, total);
    }
}
