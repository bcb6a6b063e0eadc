using DesertSeg.Lab.Evaluation;
using MathNet.Numerics;
using MathNet.Numerics.Distributions;

namespace DesertSeg.Lab.Estimation;

/// <summary>
/// Agreement on the line (Baek et al., NeurIPS 2022), ALine-S, with IoU in place of accuracy: for every pair of
/// independently trained models, their agreement (the mIoU of one's predictions against the other's) on validation and
/// on the target gives a point; a line through those points in probit space, probit(target) = a probit(val) + b, carries
/// each model's validation IoU to the target. The paper fits it through many models and first checks that agreement lies
/// on a line; here at least <see cref="MinimumModels"/> models (three pairs) are needed, the fit's R^2 is kept
/// (<see cref="FitLine"/>), and where the line is not identifiable (fewer models, or validation agreements that barely
/// differ) there is no estimate rather than an assumed slope. Not done: ALine-D (the paper's linear system in every
/// model's own accuracy), which needs more models than the three seeds here.
/// </summary>
public static class AgreementOnTheLine
{
    public const string Name = "agreement";

    /// <summary>Three models give three pairs, the fewest through which a line's slope and bias are fitted with a residual.</summary>
    public const int MinimumModels = 3;

    /// <summary>A line in probit space through the pairs' agreements, with its fit.</summary>
    public sealed record AgreementLine(double Slope, double Bias, double RSquared, int Pairs);

    /// <summary>The estimate for model <paramref name="model"/>, from every model's validation and target samples (same
    /// images, same pixel grid, same order); null when the line is not identifiable.</summary>
    public static IoUEstimate? Estimate(IReadOnlyList<CalibrationSet> validation, IReadOnlyList<PixelSample> targets, int model)
    {
        if (validation.Count != targets.Count)
            throw new ArgumentException("Agreement needs the validation and target samples of the same models.");
        if (validation.Count < MinimumModels) return null;
        int c = targets[0].Classes;
        var pairs = new List<(SegmentationMetrics Val, SegmentationMetrics Target)>();
        for (int a = 0; a < targets.Count; a++)
            for (int b = a + 1; b < targets.Count; b++)
                pairs.Add((Agreement(validation[a].Sample, validation[b].Sample, scoredOnly: true),
                    Agreement(targets[a], targets[b], scoredOnly: false)));
        if (FitLine(pairs.Select(p => p.Val.MeanIoU).ToList(), pairs.Select(p => p.Target.MeanIoU).ToList()) is not { } line)
            return null;
        double mean = Carry(validation[model].Metrics.MeanIoU, line);
        var iou = new double?[c];
        for (int k = 0; k < c; k++)
        {
            var known = pairs.Where(p => p.Val.IoU[k] is not null && p.Target.IoU[k] is not null).ToList();
            if (validation[model].Metrics.IoU[k] is not { } valIoU) continue;
            if (FitLine(known.Select(p => p.Val.IoU[k]!.Value).ToList(), known.Select(p => p.Target.IoU[k]!.Value).ToList()) is { } own)
                iou[k] = Carry(valIoU, own);
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

    /// <summary>Slope and bias of probit(y) against probit(x) by least squares, with R^2; null with fewer than three
    /// points or when the x probits span less than 0.01 (the slope is not identifiable).</summary>
    public static AgreementLine? FitLine(IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        var px = x.Select(Probit).ToArray();
        var py = y.Select(Probit).ToArray();
        if (px.Length < 3 || px.Max() - px.Min() < 0.01) return null;
        var (intercept, slope) = Fit.Line(px, py);
        double r2 = GoodnessOfFit.RSquared(px.Select(v => intercept + slope * v), py);
        return new AgreementLine(slope, intercept, r2, px.Length);
    }

    private static double Carry(double value, AgreementLine line) => Normal.CDF(0, 1, line.Slope * Probit(value) + line.Bias);

    /// <summary>The standard normal quantile, with the argument kept off 0 and 1.</summary>
    public static double Probit(double p) => Normal.InvCDF(0, 1, Math.Clamp(p, 1e-4, 1 - 1e-4));
}
