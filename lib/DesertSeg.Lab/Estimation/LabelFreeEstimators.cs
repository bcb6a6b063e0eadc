using MathNet.Numerics.Statistics;

namespace DesertSeg.Lab.Estimation;

/// <summary>One estimator as the registry knows it: its name, what it does in a sentence, and how it is fitted.</summary>
public sealed record EstimatorKind(string Name, string Description, Func<CalibrationSet, ILabelFreeEstimator> Fit);

/// <summary>
/// Every single-model estimator, by name (agreement between models is <see cref="AgreementOnTheLine"/>: it needs several).
/// </summary>
public static class LabelFreeEstimators
{
    /// <summary>
    /// The estimator of <c>estimate</c> and of target-estimate model selection when none is named: expected confusion with
    /// bias-corrected calibration, taking EM's target priors only where a likelihood-ratio test against the source priors
    /// says the classes shifted (<see cref="LabelShiftTest"/>, a rule fixed before any target was scored). Issue 30: the
    /// earlier default (<c>expected-confusion+em</c>, EM always) was the best estimator under the test desert's label shift
    /// and among the worst where nothing shifted (val-C, photos of the training desert through other cameras), and a user
    /// cannot know which case their photos are.
    /// </summary>
    public const string Default = "expected-confusion+tested-em";

    public static readonly IReadOnlyList<EstimatorKind> All =
    [
        new("naive", "validation mIoU taken as the target's (the baseline to beat)", v => new ValidationScore(v)),
        new("doc", "difference of confidences (Guillory et al. 2021)", v => new DifferenceOfConfidences(v)),
        new("atc", "average thresholded confidence, negative entropy, per class (Garg et al. 2022)",
            v => new AverageThresholdedConfidence(v, labelShift: false)),
        new("atc+em", "ATC with false negatives shared by EM-re-weighted probabilities",
            v => new AverageThresholdedConfidence(v, labelShift: true)),
        new("expected-confusion", "expected confusion from temperature-scaled probabilities", v => new ExpectedConfusion(v, false)),
        new("expected-confusion+em", "expected confusion after EM re-estimation of the target's class priors (Saerens et al. 2002)",
            v => new ExpectedConfusion(v, true)),
        new("expected-confusion+bcts-em", "expected confusion after bias-corrected calibration and EM priors (Alexandari et al. 2020)",
            v => new ExpectedConfusion(v, PriorHandling.BiasCorrectedEm)),
        new("expected-confusion+tested-em", "bias-corrected expected confusion, EM priors only where a likelihood-ratio test says the classes shifted (default)",
            v => new ExpectedConfusion(v, PriorHandling.TestedEm)),
    ];

    public static IReadOnlyList<string> Names => All.Select(e => e.Name).ToList();

    /// <exception cref="ArgumentException">No estimator has that name (the message lists them).</exception>
    public static EstimatorKind ByName(string name) =>
        All.FirstOrDefault(e => string.Equals(e.Name, name, StringComparison.OrdinalIgnoreCase))
        ?? throw new ArgumentException($"Unknown estimator '{name}'. Estimators: {string.Join(", ", Names)}.");

    /// <summary>
    /// The estimate with a 95% percentile bootstrap interval over images (<paramref name="resamples"/> draws of as many
    /// images with replacement, seeded, so the same call gives the same interval).
    /// </summary>
    public static IoUEstimate WithInterval(ILabelFreeEstimator estimator, PixelSample target, int resamples = 100, int seed = 0) =>
        WithIntervals([estimator], target, resamples, seed)[0];

    /// <summary>
    /// <paramref name="estimate"/>'s interval widened to its point ± the estimator's measured margin at
    /// <paramref name="scale"/> (<see cref="EstimatorMargins"/>), when one was measured; unchanged otherwise.
    /// </summary>
    public static IoUEstimate WithMargin(IoUEstimate estimate, string? scale) =>
        WithMargin(estimate, EstimatorMargins.Of(scale, estimate.Estimator));

    /// <summary><paramref name="estimate"/>'s interval as the union of its bootstrap interval and its point ±
    /// <paramref name="measured"/>'s margin, within [0, 1]; unchanged without a margin.</summary>
    public static IoUEstimate WithMargin(IoUEstimate estimate, EstimatorMargin? measured)
    {
        if (measured is null) return estimate;
        var (low, high) = estimate.Interval ?? (estimate.MeanIoU, estimate.MeanIoU);
        return estimate with
        {
            Interval = (Math.Max(0, Math.Min(low, estimate.MeanIoU - measured.Margin)), Math.Min(1, Math.Max(high, estimate.MeanIoU + measured.Margin))),
            Margin = measured.Margin,
        };
    }

    /// <summary>
    /// <see cref="WithInterval"/> for several estimators over the same draws (each estimator's interval is the one
    /// <see cref="WithInterval"/> gives it alone): a draw's pixels, their probabilities and EM's priors are gathered or computed
    /// once for all estimators, and the draws run in parallel (each is a function of its images only, so the result does not
    /// depend on the scheduling).
    /// </summary>
    public static IReadOnlyList<IoUEstimate> WithIntervals(IReadOnlyList<ILabelFreeEstimator> estimators, PixelSample target,
        int resamples = 100, int seed = 0, CancellationToken cancellation = default)
    {
        var points = estimators.Select(e => e.Estimate(target)).ToList();
        if (target.Images < 2 || resamples < 2) return points;
        var random = new Random(seed);
        var draws = Enumerable.Range(0, resamples)
            .Select(_ => Enumerable.Range(0, target.Images).Select(_ => random.Next(target.Images)).ToArray())
            .ToList();
        var means = estimators.Select(_ => new double[resamples]).ToArray();
        Parallel.For(0, resamples, IO.BoundedParallelism.Options(cancellation), r =>
        {
            var resample = target.Subset(draws[r]);
            for (int e = 0; e < estimators.Count; e++) means[e][r] = estimators[e].Estimate(resample).MeanIoU;
        });
        // Every draw gathers its own per-pixel arrays (tens of MB each, in the large-object heap). The loop runs one draw per
        // core (BoundedParallelism: uncapped, it ran as many as the main job's grown thread pool had threads, and the job
        // committed 4 GB); a compacting collection once per bootstrap returns the draws' arrays: `estimate` on 64 images
        // ends at 1.17-1.20 GB resident instead of 1.35-1.38 (same peak, same output).
        System.Runtime.GCSettings.LargeObjectHeapCompactionMode = System.Runtime.GCLargeObjectHeapCompactionMode.CompactOnce;
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        return points.Select((point, e) => point with { Interval = (means[e].Quantile(0.025), means[e].Quantile(0.975)) }).ToList();
    }
}
