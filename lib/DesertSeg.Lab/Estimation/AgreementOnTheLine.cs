using DesertSeg.Lab.Evaluation;
using MathNet.Numerics;
using MathNet.Numerics.Distributions;

namespace DesertSeg.Lab.Estimation;

/// <summary>
/// Agreement on the line (Baek et al., NeurIPS 2022), ALine-S, with IoU in place of accuracy: for every pair of
/// independently trained models, their agreement (the mIoU of one's predictions against the other's) on validation and
/// on the target gives a point; a line through those points in probit space, probit(target) = a probit(val) + b, carries
/// each model's validation IoU to the target. With one pair, or pairs whose validation agreements barely differ (spread of
/// probits under 0.01), the slope is not identifiable and is taken as 1 (the shift b alone), which the paper's
/// observation that accuracy and agreement lines share slope and bias reduces to.
/// </summary>
public static class AgreementOnTheLine
{
    public const string Name = "agreement";

    /// <summary>The estimate for model <paramref name="model"/>, from every model's validation and target samples (same
    /// images, same pixel grid, same order).</summary>
    public static IoUEstimate Estimate(IReadOnlyList<CalibrationSet> validation, IReadOnlyList<PixelSample> targets, int model)
    {
        if (validation.Count < 2 || validation.Count != targets.Count)
            throw new ArgumentException("Agreement needs the validation and target samples of at least two models.");
        int c = targets[0].Classes;
        var pairs = new List<(SegmentationMetrics Val, SegmentationMetrics Target)>();
        for (int a = 0; a < targets.Count; a++)
            for (int b = a + 1; b < targets.Count; b++)
                pairs.Add((Agreement(validation[a].Sample, validation[b].Sample, scoredOnly: true),
                    Agreement(targets[a], targets[b], scoredOnly: false)));
        var (slope, bias) = Line(pairs.Select(p => p.Val.MeanIoU).ToList(), pairs.Select(p => p.Target.MeanIoU).ToList());
        double mean = Carry(validation[model].Metrics.MeanIoU, slope, bias);
        var iou = new double?[c];
        for (int k = 0; k < c; k++)
        {
            var known = pairs.Where(p => p.Val.IoU[k] is not null && p.Target.IoU[k] is not null).ToList();
            if (known.Count == 0 || validation[model].Metrics.IoU[k] is not { } valIoU) continue;
            var (a, b) = Line(known.Select(p => p.Val.IoU[k]!.Value).ToList(), known.Select(p => p.Target.IoU[k]!.Value).ToList());
            iou[k] = Carry(valIoU, a, b);
        }
        var predicted = new double[c];
        foreach (byte p in targets[model].Predicted) predicted[p]++;
        return new IoUEstimate(Name, iou, mean, predicted.Select(p => p / targets[model].Count).ToArray());
    }

    /// <summary>The mIoU of <paramref name="a"/>'s predictions scored against <paramref name="b"/>'s (symmetric), over the
    /// pixels whose truth is scored when <paramref name="scoredOnly"/>.</summary>
    public static SegmentationMetrics Agreement(PixelSample a, PixelSample b, bool scoredOnly)
    {
        if (a.Count != b.Count) throw new ArgumentException("Agreement needs the two models' samples of the same pixels.");
        var confusion = new ConfusionMatrix(a.Classes);
        byte[] pa = a.Predicted, pb = b.Predicted;
        if (scoredOnly && a.Labels is { } labels)
        {
            var keep = Enumerable.Range(0, a.Count).Where(i => labels[i] < a.Classes).ToArray();
            confusion.Add(keep.Select(i => pa[i]).ToArray(), keep.Select(i => pb[i]).ToArray());
        }
        else confusion.Add(pa, pb);
        return confusion.Metrics();
    }

    /// <summary>Slope and bias of probit(y) against probit(x) by least squares, or slope 1 when x barely varies.</summary>
    public static (double Slope, double Bias) Line(IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        var px = x.Select(Probit).ToArray();
        var py = y.Select(Probit).ToArray();
        if (px.Length < 2 || px.Max() - px.Min() < 0.01) return (1, py.Zip(px, (b, a) => b - a).Average());
        var (intercept, slope) = Fit.Line(px, py);
        return (slope, intercept);
    }

    private static double Carry(double value, double slope, double bias) => Normal.CDF(0, 1, slope * Probit(value) + bias);

    /// <summary>The standard normal quantile, with the argument kept off 0 and 1.</summary>
    public static double Probit(double p) => Normal.InvCDF(0, 1, Math.Clamp(p, 1e-4, 1 - 1e-4));
}
