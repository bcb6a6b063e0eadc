namespace DesertSeg.Lab.Estimation;

/// <summary>
/// Did the classes shift? A likelihood-ratio test of the source priors against the priors EM finds on the target, decided
/// before any target label is seen. The statistic is the mean per-pixel log-likelihood ratio of the target's calibrated
/// probabilities (<see cref="CalibrationSet.BiasCorrected"/>) under EM's priors against the source priors as the model
/// sees them (<see cref="CalibrationSet.PredictedPriors"/>), mean_i log sum_k q_ik pi_k / pi^s_k: 0 when EM stays at the source priors, larger the further the data pull them.
/// Pixels of an image are far from independent, so the statistic's null distribution is not the chi-square of independent
/// pixels: it is drawn from the calibration set itself, as the statistic of as many validation images as the target
/// has (drawn with replacement), where by construction nothing shifted. The classes are taken to have shifted when the
/// target's statistic exceeds that distribution's (1 - <see cref="Level"/>) quantile.
/// </summary>
/// <remarks>
/// This reads a change of the model's confidences that looks like a change of priors as one, too: a corruption that makes
/// the model see more of one class can pass the test. The test bounds how often EM is used where nothing at all changed
/// (about <see cref="Level"/> of image sets like the validation set), not the harm of EM under every covariate shift.
/// </remarks>
public static class LabelShiftTest
{
    /// <summary>The test's level: the share of unshifted image sets (like validation) on which it reports a shift.</summary>
    public const double Level = 0.05;

    /// <summary>Draws of the null distribution (seeded: the same calibration set gives the same threshold).</summary>
    public const int NullDraws = 100;

    /// <summary>At most this many pixels per null draw (every k-th of the drawn images'), to keep the test cheap.</summary>
    public const int MaxPixelsPerDraw = 20_000;

    /// <summary>The statistic of calibrated probabilities <paramref name="q"/> (N x C), with EM's priors.</summary>
    public static double Statistic(double[] q, int classes, IReadOnlyList<double> sourcePriors, out double[] priors,
        double tolerance = 1e-6)
    {
        priors = LabelShift.TargetPriors(q, classes, sourcePriors, tolerance: tolerance);
        var ratio = priors.Select((p, k) => p / sourcePriors[k]).ToArray();
        int n = q.Length / classes;
        double sum = 0;
        for (int i = 0; i < n; i++)
        {
            double likelihood = 0;
            for (int k = 0; k < classes; k++) likelihood += q[i * classes + k] * ratio[k];
            sum += Math.Log(Math.Max(likelihood, 1e-300));
        }
        return sum / n;
    }

    /// <summary>Whether the classes of <paramref name="target"/> shifted from the calibration set's, and EM's priors.</summary>
    public static (bool Shifted, double Statistic, double Threshold, double[] Priors) Run(CalibrationSet calibration, PixelSample target)
    {
        var q = Probabilities.Of(target, calibration.BiasCorrected);
        double statistic = Statistic(q, target.Classes, calibration.PredictedPriors, out var priors);
        double threshold = calibration.ShiftThreshold(target.Images);
        return (statistic > threshold, statistic, threshold, priors);
    }

    /// <summary>The (1 - <see cref="Level"/>) quantile of the statistic over <see cref="NullDraws"/> sets of
    /// <paramref name="images"/> validation images drawn with replacement.</summary>
    public static double NullThreshold(CalibrationSet calibration, int images)
    {
        var sample = calibration.Sample;
        int c = sample.Classes;
        var q = Probabilities.Of(sample, calibration.BiasCorrected);
        var offsets = sample.ImageOffsets;
        int validationImages = offsets.Count - 1;
        var random = new Random(images);
        var statistics = new double[NullDraws];
        var draws = Enumerable.Range(0, NullDraws)
            .Select(_ => Enumerable.Range(0, images).Select(_ => random.Next(validationImages)).ToArray()).ToList();
        Parallel.For(0, NullDraws, IO.BoundedParallelism.Options(), d =>
        {
            long pixels = draws[d].Sum(m => (long)(offsets[m + 1] - offsets[m]));
            int stride = (int)Math.Max(1, (pixels + MaxPixelsPerDraw - 1) / MaxPixelsPerDraw);
            var rows = new List<double>();
            long index = 0;
            foreach (int m in draws[d])
                for (int i = offsets[m]; i < offsets[m + 1]; i++, index++)
                    if (index % stride == 0) rows.AddRange(q.AsSpan(i * c, c).ToArray());
            statistics[d] = Statistic(rows.ToArray(), c, calibration.PredictedPriors, out _, tolerance: 1e-5);
        });
        Array.Sort(statistics);
        // The conformal rank: the target's statistic exceeds it with probability at most Level when it is one more draw.
        int rank = Math.Min(NullDraws, (int)Math.Ceiling((1 - Level) * (NullDraws + 1)));
        return statistics[rank - 1];
    }
}
