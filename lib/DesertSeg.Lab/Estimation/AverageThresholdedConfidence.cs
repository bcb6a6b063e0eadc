namespace DesertSeg.Lab.Estimation;

/// <summary>
/// ATC (Garg et al., ICLR 2022), per class for IoU. On validation, for each predicted class k, a threshold t_k on the
/// pixels' negative entropy (ATC-NE, the paper's better score) such that the share of k-predicted pixels above it equals
/// k's precision there; on the target, the k-predicted pixels above t_k are the expected true positives of k. (A class
/// never predicted on validation takes the one threshold fitted on all pixels against pixel accuracy, as the paper fits it.)
/// ATC says how many predictions are wrong, not what they should have been; for IoU's false negatives each class's wrong
/// predictions are shared among the other classes in proportion to their calibrated probabilities at those pixels
/// (as <see cref="ExpectedConfusion"/>; re-weighted to EM target priors with <paramref name="labelShift"/>). The score is
/// the negative entropy of the temperature-scaled softmax (the calibration set's temperature) on validation and target
/// alike, as the reference code (<c>ATC_code</c>, <c>get_acc.py</c>) calibrates the model on held-out source data before it
/// fits the threshold; this code fitted it on the raw softmax until issue 30.
/// </summary>
public sealed class AverageThresholdedConfidence : ILabelFreeEstimator
{
    private readonly CalibrationSet _validation;
    private readonly bool _labelShift;

    public AverageThresholdedConfidence(CalibrationSet validation, bool labelShift)
    {
        _validation = validation;
        _labelShift = labelShift;
        var sample = validation.Sample;
        var score = Probabilities.NegativeEntropy(sample, validation.Temperature);
        var scored = validation.ScoredPixels().ToList();
        double accuracy = scored.Count(i => sample.Predicted[i] == sample.Labels![i]) / (double)scored.Count;
        double global = Threshold(scored.Select(i => score[i]).ToList(), accuracy);
        Thresholds = Enumerable.Range(0, sample.Classes).Select(k =>
        {
            var mine = scored.Where(i => sample.Predicted[i] == k).ToList();
            if (mine.Count == 0) return global;
            double precision = mine.Count(i => sample.Labels![i] == k) / (double)mine.Count;
            return Threshold(mine.Select(i => score[i]).ToList(), precision);
        }).ToArray();
    }

    public string Name => _labelShift ? "atc+em" : "atc";

    /// <summary>The fitted threshold per predicted class.</summary>
    public IReadOnlyList<double> Thresholds { get; }

    /// <summary>
    /// A threshold with a share <paramref name="share"/> of <paramref name="scores"/> strictly above it: the midpoint between
    /// the two scores either side of that rank (-inf when all must be above, +inf when none).
    /// </summary>
    public static double Threshold(IReadOnlyList<double> scores, double share)
    {
        var sorted = scores.OrderBy(s => s).ToArray();
        int above = (int)Math.Round(share * sorted.Length);
        if (above >= sorted.Length) return double.NegativeInfinity;
        if (above <= 0) return double.PositiveInfinity;
        return (sorted[sorted.Length - above - 1] + sorted[sorted.Length - above]) / 2;
    }

    public IoUEstimate Estimate(PixelSample target)
    {
        int c = target.Classes;
        var score = Probabilities.NegativeEntropy(target, _validation.Temperature);
        var q = ExpectedConfusion.Calibrated(_validation, target, _labelShift);
        var predictedClass = target.Predicted;
        var truePositives = new double[c];
        var predicted = new double[c];
        var wrongMass = new double[c];          // per predicted class: sum of (1 - q of the predicted class)
        var towards = new double[c, c];         // per predicted class j: probability mass of each other class k
        for (int i = 0; i < target.Count; i++)
        {
            int a = predictedClass[i];
            predicted[a]++;
            if (score[i] > Thresholds[a]) truePositives[a]++;
            wrongMass[a] += 1 - q[i * c + a];
            for (int k = 0; k < c; k++) if (k != a) towards[a, k] += q[i * c + k];
        }
        var truth = new double[c];
        for (int k = 0; k < c; k++)
        {
            truth[k] = truePositives[k];
            for (int j = 0; j < c; j++)
                if (j != k && wrongMass[j] > 0) truth[k] += (predicted[j] - truePositives[j]) * towards[j, k] / wrongMass[j];
        }
        return IoUEstimate.FromCounts(Name, truePositives, predicted, truth);
    }
}
