using DesertSeg.Lab.Evaluation;

namespace DesertSeg.Lab.Estimation;

/// <summary>
/// Labelled source validation images as the estimators see them: the model's sampled logits with the true classes, and
/// the split's scores under the evaluation's own definition. Every estimator is fitted on this and nothing else (no
/// target label is ever read). The temperature and the source priors are fitted once and shared.
/// </summary>
/// <param name="temperature">A fixed temperature instead of the fitted one (1: the model's own softmax).</param>
public sealed class CalibrationSet(PixelSample sample, SegmentationMetrics metrics, double? temperature = null)
{
    private readonly Lazy<double> _temperature = new(() => temperature ?? TemperatureScaling.Fit(sample));
    private readonly Lazy<double[]> _priors = new(() => LabelShift.SourcePriors(sample));
    private readonly Lazy<Calibration> _biasCorrected = new(() => BiasCorrectedTemperatureScaling.Fit(sample));
    private double[]? _predictedPriors;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<int, double> _shiftThresholds = new();

    public PixelSample Sample { get; } = sample.Labels is not null ? sample
        : throw new ArgumentException("A calibration set needs labelled pixels.");

    /// <summary>The validation split's scores (mIoU, per-class IoU) as evaluation computes them.</summary>
    public SegmentationMetrics Metrics { get; } = metrics;

    /// <summary>The temperature that calibrates the model's softmax on these images.</summary>
    public double Temperature => _temperature.Value;

    /// <summary>Temperature scaling with a bias per class (<see cref="BiasCorrectedTemperatureScaling"/>), fitted on these
    /// images: its mean prediction over the scored pixels equals <see cref="SourcePriors"/>.</summary>
    public Calibration BiasCorrected => _biasCorrected.Value;

    /// <summary>
    /// The label-shift test's threshold for <paramref name="images"/> target images (<see cref="LabelShiftTest"/>), computed
    /// once per image count.
    /// </summary>
    public double ShiftThreshold(int images) => _shiftThresholds.GetOrAdd(images, n => LabelShiftTest.NullThreshold(this, n));

    /// <summary>
    /// Each class's mean bias-corrected probability over every sampled pixel, ignored ones included: the source priors as
    /// the model's calibrated outputs see the source images. EM compares a target with these (bias-corrected variants).
    /// They differ from <see cref="SourcePriors"/> by the pixels whose truth is ignored (here Ground Clutter, Flowers and
    /// Logs, which the 7-class model predicts as something else): their predictions enter EM's average on any image set but
    /// not the label shares, which moved EM's priors on the calibration set itself (issue 30, item 4).
    /// </summary>
    public IReadOnlyList<double> PredictedPriors => _predictedPriors ??= MeanPrediction(Probabilities.Of(Sample, BiasCorrected), Sample.Classes);

    private static double[] MeanPrediction(double[] q, int classes)
    {
        var mean = new double[classes];
        int n = q.Length / classes;
        for (int i = 0; i < n; i++)
            for (int k = 0; k < classes; k++) mean[k] += q[i * classes + k];
        return mean.Select(m => Math.Max(m / n, 1e-6)).ToArray();
    }

    /// <summary>Each class's share of the labelled pixels.</summary>
    public IReadOnlyList<double> SourcePriors => _priors.Value;

    /// <summary>Sampled pixels whose truth is scored (not ignored).</summary>
    public IEnumerable<int> ScoredPixels() =>
        Enumerable.Range(0, Sample.Count).Where(i => Sample.Labels![i] < Sample.Classes);
}
