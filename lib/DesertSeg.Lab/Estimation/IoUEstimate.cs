namespace DesertSeg.Lab.Estimation;

/// <summary>
/// What an estimator says of an unlabelled image set: the expected IoU per class and their mean, with the mIoU
/// definition of evaluation (a class counts when it is in the truth or the prediction; here: when the model predicts it
/// or its expected share of the pixels is at least <see cref="PresentShare"/>), and the model's predicted share of each class.
/// </summary>
/// <param name="Interval">The 95% interval, when one was computed: the bootstrap interval over images, widened to
/// estimate ± <paramref name="Margin"/> where the estimator's error was measured (<see cref="EstimatorMargins"/>).</param>
/// <param name="Margin">The estimator's measured error margin that widened the interval; null: the interval is the
/// bootstrap's sampling spread alone.</param>
public sealed record IoUEstimate(
    string Estimator,
    IReadOnlyList<double?> ClassIoU,
    double MeanIoU,
    IReadOnlyList<double> PredictedShare,
    (double Low, double High)? Interval = null,
    double? Margin = null)
{
    /// <summary>An expected share of pixels below which a class the model never predicts is taken as absent.</summary>
    public const double PresentShare = 1e-3;

    /// <summary>
    /// IoU from expected counts per class: true positives, predicted pixels and true pixels (any common scale). IoU =
    /// TP / (predicted + true - TP); the mean runs over present classes as above.
    /// </summary>
    public static IoUEstimate FromCounts(string estimator, IReadOnlyList<double> truePositives, IReadOnlyList<double> predicted,
        IReadOnlyList<double> truth)
    {
        int c = predicted.Count;
        double total = predicted.Sum();
        if (total <= 0) throw new ArgumentException("No pixels to estimate from.");
        var iou = new double?[c];
        for (int k = 0; k < c; k++)
        {
            bool present = predicted[k] > 0 || truth[k] / total >= PresentShare;
            if (!present) continue;
            double tp = Math.Min(truePositives[k], Math.Min(predicted[k], truth[k]));
            double union = predicted[k] + truth[k] - tp;
            iou[k] = union > 0 ? Math.Clamp(tp / union, 0, 1) : 0;
        }
        return new IoUEstimate(estimator, iou, MeanOfPresent(iou), predicted.Select(p => p / total).ToArray());
    }

    /// <summary>The mean over classes that have a value (0 when none has).</summary>
    public static double MeanOfPresent(IReadOnlyList<double?> iou)
    {
        var present = iou.Where(v => v.HasValue).Select(v => v!.Value).ToList();
        return present.Count > 0 ? present.Average() : 0;
    }

    public override string ToString() =>
        $"estimated mIoU: {MeanIoU:F4}" + (Interval is { } i ? $" [{i.Low:F4}, {i.High:F4}]" : "") + $" ({Estimator})";

    /// <summary>What the interval covers, in a sentence (null without an interval).</summary>
    public string? IntervalMeaning => Interval is null ? null : Margin is { } m
        ? $"The interval covers the bootstrap over images and the estimate ± {m:F3}, this estimator's error measured on labelled shifts at this scale."
        : "The interval is the bootstrap's sampling spread only: no error margin was measured for this estimator at this scale.";
}
