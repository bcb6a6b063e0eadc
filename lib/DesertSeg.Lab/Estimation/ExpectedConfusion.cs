namespace DesertSeg.Lab.Estimation;

/// <summary>What an estimator does about the target's class priors before it counts.</summary>
public enum PriorHandling
{
    /// <summary>Nothing: temperature-scaled probabilities as they are (covariate shift only).</summary>
    None,

    /// <summary>Temperature-scaled probabilities re-weighted to EM's target priors (Saerens et al. 2002).</summary>
    Em,

    /// <summary>Bias-corrected temperature scaling, then EM (Alexandari et al. 2020: the calibration that keeps EM at the
    /// source priors where nothing shifted).</summary>
    BiasCorrectedEm,

    /// <summary>Bias-corrected temperature scaling; EM's priors only where <see cref="LabelShiftTest"/> says the classes
    /// shifted, the calibrated probabilities as they are otherwise.</summary>
    TestedEm,
}

/// <summary>
/// Expected confusion from calibrated probabilities: with the calibrated softmax taken as the probability of each true
/// class at each pixel, a pixel predicted k is a true positive of k with probability q_k and a false positive otherwise,
/// and adds q_j to the false negatives of every other class j. Summing gives expected TP, FP and FN per class, hence
/// expected IoU (a ratio of expectations). <see cref="PriorHandling"/> says how the probabilities meet the target's class
/// priors; the predictions stay the model's own.
/// </summary>
public sealed class ExpectedConfusion(CalibrationSet validation, PriorHandling priors) : ILabelFreeEstimator
{
    public ExpectedConfusion(CalibrationSet validation, bool labelShift) : this(validation, labelShift ? PriorHandling.Em : PriorHandling.None) { }

    public string Name => NameOf(priors);

    public static string NameOf(PriorHandling priors) => priors switch
    {
        PriorHandling.None => "expected-confusion",
        PriorHandling.Em => "expected-confusion+em",
        PriorHandling.BiasCorrectedEm => "expected-confusion+bcts-em",
        _ => "expected-confusion+tested-em",
    };

    public IoUEstimate Estimate(PixelSample target)
    {
        int c = target.Classes;
        var q = Calibrated(validation, target, priors);
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

    internal static double[] Calibrated(CalibrationSet validation, PixelSample target, bool labelShift) =>
        Calibrated(validation, target, labelShift ? PriorHandling.Em : PriorHandling.None);

    /// <summary>Calibrated probabilities of the target's pixels, re-weighted to its EM priors as <paramref name="priors"/> says.</summary>
    /// <remarks>Computed once per target sample and calibration (ATC+EM and expected confusion+EM share the EM), and the
    /// array is the sample's own: read it, never write it.</remarks>
    internal static double[] Calibrated(CalibrationSet validation, PixelSample target, PriorHandling priors)
    {
        var calibration = priors is PriorHandling.None or PriorHandling.Em
            ? new Calibration(validation.Temperature)
            : validation.BiasCorrected;
        var q = Probabilities.Of(target, calibration);
        if (priors == PriorHandling.None) return q;
        if (priors == PriorHandling.TestedEm && !target.Derived($"label shift {calibration.Key}",
                t => new[] { LabelShiftTest.Run(validation, t).Shifted })[0])
            return q;
        // EM after temperature scaling compares with the label shares (Saerens et al.); after bias-corrected scaling with the
        // mean calibrated prediction over every source pixel, so that EM stays where it starts on source-like images.
        var source = priors == PriorHandling.Em ? validation.SourcePriors : validation.PredictedPriors;
        string key = $"EM {calibration.Key} source priors {string.Join(",", source.Select(p => p.ToString("R")))}";
        return target.Derived(key, t =>
        {
            var em = LabelShift.TargetPriors(q, t.Classes, source);
            var adjusted = new double[q.Length];
            LabelShift.Adjust(q, t.Classes, source, em, adjusted);
            return adjusted;
        });
    }
}
