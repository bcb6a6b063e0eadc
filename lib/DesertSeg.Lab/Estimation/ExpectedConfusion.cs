namespace DesertSeg.Lab.Estimation;

/// <summary>
/// Expected confusion from calibrated probabilities: with softmax(z / T) (T fitted on validation) taken as the
/// probability of each true class at each pixel, a pixel predicted k is a true positive of k with probability q_k and a
/// false positive otherwise, and adds q_j to the false negatives of every other class j. Summing gives expected TP, FP and
/// FN per class, hence expected IoU (a ratio of expectations). With <paramref name="labelShift"/> the probabilities are
/// first re-weighted to the target's class priors estimated by EM (<see cref="LabelShift"/>); the predictions stay the
/// model's own.
/// </summary>
public sealed class ExpectedConfusion(CalibrationSet validation, bool labelShift) : ILabelFreeEstimator
{
    public string Name => labelShift ? "expected-confusion+em" : "expected-confusion";

    public IoUEstimate Estimate(PixelSample target)
    {
        int c = target.Classes;
        var q = Calibrated(validation, target, labelShift);
        var predictedClass = target.Predicted;
        var truePositives = new double[c];
        var predicted = new double[c];
        var truth = new double[c];
        for (int i = 0; i < target.Count; i++)
        {
            int a = predictedClass[i];
            predicted[a]++;
            truePositives[a] += q[i * c + a];
            for (int k = 0; k < c; k++) truth[k] += q[i * c + k];
        }
        return IoUEstimate.FromCounts(Name, truePositives, predicted, truth);
    }

    /// <summary>Temperature-scaled probabilities of the target's pixels, re-weighted to its EM priors when asked.</summary>
    /// <remarks>Computed once per target sample and calibration (ATC+EM and expected confusion+EM share the EM), and the
    /// array is the sample's own: read it, never write it.</remarks>
    internal static double[] Calibrated(CalibrationSet validation, PixelSample target, bool labelShift)
    {
        var q = Probabilities.Of(target, validation.Temperature);
        if (!labelShift) return q;
        string key = $"EM T={validation.Temperature:R} source priors {string.Join(",", validation.SourcePriors.Select(p => p.ToString("R")))}";
        return target.Derived(key, t =>
        {
            var priors = LabelShift.TargetPriors(q, t.Classes, validation.SourcePriors);
            var adjusted = new double[q.Length];
            LabelShift.Adjust(q, t.Classes, validation.SourcePriors, priors, adjusted);
            return adjusted;
        });
    }
}
