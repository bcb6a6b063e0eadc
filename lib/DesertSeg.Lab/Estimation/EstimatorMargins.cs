using System.Text.Json;

namespace DesertSeg.Lab.Estimation;

/// <summary>One estimator's measured error at one scale: the split-conformal margin of its absolute error over the labelled
/// image sets of the <c>estimation</c> benchmark, and the coverage it reached on each family when fitted without it.</summary>
public sealed record EstimatorMargin(string Scale, string Estimator, double Level, double Margin, int Sets,
    IReadOnlyDictionary<string, double> HeldOutFamilyCoverage, string MeasuredBy);

/// <summary>
/// The margins <c>estimate</c> widens its interval by (<see cref="LabelFreeEstimators.WithIntervals"/>): a bootstrap over
/// images measures only how the estimate would move with other images from the same place, not how far the estimator is
/// from the truth; on photos of the training desert through a hazy camera the bootstrap interval was [0.420, 0.509] around
/// a true 0.606. The printed interval is the union of the bootstrap interval and estimate ± margin, where the margin is
/// the estimator's absolute error that the <c>estimation</c> benchmark measured on labelled shifted image sets (synthetic
/// test desert, oracle scenes, held-out random deserts, val-C), as split conformal prediction takes it: the
/// ceil((n + 1) level)-th smallest of n errors. It is shipped as <c>estimator-margins.json</c> (an embedded resource,
/// written by the benchmark with how it was measured). It holds for image sets like those families at the scale it was
/// measured at; at another scale, or a model of another kind, <c>estimate</c> prints the bootstrap interval alone and
/// says so.
/// </summary>
public static class EstimatorMargins
{
    public const string ResourceName = "DesertSeg.Lab.Estimation.estimator-margins.json";

    private static readonly Lazy<IReadOnlyList<EstimatorMargin>> Shipped = new(() =>
    {
        using var stream = typeof(EstimatorMargins).Assembly.GetManifestResourceStream(ResourceName);
        return stream is null ? [] : JsonSerializer.Deserialize<List<EstimatorMargin>>(stream) ?? [];
    });

    /// <summary>Every shipped margin.</summary>
    public static IReadOnlyList<EstimatorMargin> All => Shipped.Value;

    /// <summary>The shipped margin of <paramref name="estimator"/> at <paramref name="scale"/>, or null.</summary>
    public static EstimatorMargin? Of(string? scale, string estimator) =>
        All.FirstOrDefault(m => m.Scale == scale && m.Estimator == estimator);

    /// <summary>The split-conformal margin of absolute errors: their ceil((n + 1) <paramref name="level"/>)-th smallest
    /// (+inf when n is too small for the level).</summary>
    public static double Conformal(IReadOnlyCollection<double> absoluteErrors, double level)
    {
        var sorted = absoluteErrors.Order().ToArray();
        int rank = (int)Math.Ceiling((sorted.Length + 1) * level);
        return rank > sorted.Length ? double.PositiveInfinity : sorted[rank - 1];
    }
}
