using DesertSeg.Lab.Estimation;
using DesertSeg.Lab.Evaluation;

namespace DesertSeg.Lab.Tests.Estimation;

/// <summary>Bias-corrected calibration, the label-shift test and the measured error margin, on samples drawn from known
/// distributions.</summary>
public class LabelShiftTests
{
    /// <summary>Pixels of <paramref name="images"/> images whose classes are drawn from <paramref name="priors"/> (each image
    /// with shares of its own around them, as scenes differ) and whose logits depend on the class only (p(x|y) fixed: label
    /// shift and nothing else), labelled.</summary>
    private static PixelSample Drawn(int seed, double[] priors, int images, int perImage = 300)
    {
        var random = new Random(seed);
        int c = priors.Length, n = images * perImage;
        var logits = new float[n * c];
        var labels = new byte[n];
        double[] scene = priors;
        for (int i = 0; i < n; i++)
        {
            if (i % perImage == 0)
            {
                scene = priors.Select(p => p * Math.Exp(0.4 * Normal(random))).ToArray();
                double total = scene.Sum();
                scene = scene.Select(p => p / total).ToArray();
            }
            double u = random.NextDouble(), sum = 0;
            int y = c - 1;
            for (int k = 0; k < c; k++) if (u < (sum += scene[k])) { y = k; break; }
            labels[i] = (byte)y;
            for (int k = 0; k < c; k++) logits[i * c + k] = (float)((k == y ? 1.5 : 0) + 1.2 * Normal(random) + (k == 1 ? 0.6 : 0));
        }
        return new PixelSample(c, logits, labels, Enumerable.Range(0, images + 1).Select(m => m * perImage).ToArray());
    }

    private static double Normal(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

    private static PixelSample Unlabelled(PixelSample s) => new(s.Classes, s.Logits, null, s.ImageOffsets);

    private static CalibrationSet Calibrate(PixelSample sample)
    {
        var confusion = new ConfusionMatrix(sample.Classes);
        confusion.Add(sample.Predicted, sample.Labels!);
        return new CalibrationSet(sample, confusion.Metrics());
    }

    private static readonly double[] SourcePriors = [0.5, 0.3, 0.2];

    [Fact]
    public void Bcts_MeanPredictionEqualsTheLabelShares_SoEmStaysAtTheSourcePriors()
    {
        var calibration = Calibrate(Drawn(1, SourcePriors, images: 40));
        var q = Probabilities.Of(calibration.Sample, calibration.BiasCorrected);
        int c = 3, n = calibration.Sample.Count;
        for (int k = 0; k < c; k++)
            Assert.Equal(calibration.SourcePriors[k], Enumerable.Range(0, n).Average(i => q[i * c + k]), 3);

        var (temperatureScaled, biasCorrected, scoredOnly) = EstimatorEvaluation.EmDriftOnCalibration(calibration);
        Assert.Equal(biasCorrected, scoredOnly, 9); // no ignored pixels here
        Assert.True(biasCorrected < 0.002, $"EM moved {biasCorrected:F4} from the source priors after BCTS");
        // The logits carry a bias toward class 1 that one temperature cannot remove: EM drifts without the biases.
        Assert.True(temperatureScaled > 5 * biasCorrected + 0.01, $"TS drift {temperatureScaled:F4}, BCTS {biasCorrected:F4}");
    }

    [Fact]
    public void PixelsWhoseTruthIsIgnored_MoveEmFromTheLabelShares_ButNotFromThePredictedPriors()
    {
        // A fifth of the pixels are ignored in the truth (a class the scheme leaves out) and predicted as class 0.
        var drawn = Drawn(8, SourcePriors, images: 40);
        var labels = drawn.Labels!.ToArray();
        var logits = drawn.Logits.ToArray();
        for (int i = 0; i < labels.Length; i += 5)
        {
            labels[i] = DesertSeg.Lab.Data.ClassScheme.Ignore;
            logits[i * 3] += 3;
        }
        var calibration = Calibrate(new PixelSample(3, logits, labels, drawn.ImageOffsets));

        var (_, allPixels, scoredOnly) = EstimatorEvaluation.EmDriftOnCalibration(calibration);
        Assert.True(scoredOnly < 0.002, $"BCTS on the scored pixels: {scoredOnly:F4}");
        Assert.True(allPixels > 0.05, $"the ignored pixels' predictions move EM from the label shares: {allPixels:F4}");

        var q = Probabilities.Of(calibration.Sample, calibration.BiasCorrected);
        var priors = LabelShift.TargetPriors(q, 3, calibration.PredictedPriors);
        Assert.Equal(calibration.PredictedPriors.ToArray(), priors, (a, b) => Math.Abs(a - b) < 1e-6);
    }

    [Fact]
    public void TheTest_PassesImagesLikeTheCalibrationSet_AndFindsAShiftOfTheClasses()
    {
        var calibration = Calibrate(Drawn(2, SourcePriors, images: 40));
        var same = Unlabelled(Drawn(3, SourcePriors, images: 16));
        var shifted = Unlabelled(Drawn(4, [0.15, 0.15, 0.7], images: 16));

        var unshifted = LabelShiftTest.Run(calibration, same);
        Assert.False(unshifted.Shifted, $"statistic {unshifted.Statistic:G4} > threshold {unshifted.Threshold:G4}");
        var run = LabelShiftTest.Run(calibration, shifted);
        Assert.True(run.Shifted, $"statistic {run.Statistic:G4} <= threshold {run.Threshold:G4}");
        Assert.True(run.Priors[2] > 0.5, $"EM's prior of the shifted class: {run.Priors[2]:F3}");
    }

    [Fact]
    public void TheDefaultEstimator_TakesEmWhereTheClassesShifted_AndStaysPutWhereTheyDidNot()
    {
        var calibration = Calibrate(Drawn(5, SourcePriors, images: 40));
        var same = Drawn(6, SourcePriors, images: 16);
        var shifted = Drawn(7, [0.15, 0.15, 0.7], images: 16);
        var tested = new ExpectedConfusion(calibration, PriorHandling.TestedEm);
        var plain = new ExpectedConfusion(calibration, PriorHandling.BiasCorrectedEm);
        var none = new ExpectedConfusion(calibration, PriorHandling.None);

        double Truth(PixelSample s)
        {
            var confusion = new ConfusionMatrix(3);
            confusion.Add(s.Predicted, s.Labels!);
            return confusion.Metrics().MeanIoU;
        }

        Assert.Equal(plain.Estimate(Unlabelled(shifted)).MeanIoU, tested.Estimate(Unlabelled(shifted)).MeanIoU, 9);
        Assert.True(Math.Abs(tested.Estimate(Unlabelled(shifted)).MeanIoU - Truth(shifted))
                    < Math.Abs(none.Estimate(Unlabelled(shifted)).MeanIoU - Truth(shifted)));
        Assert.Equal(Truth(same), tested.Estimate(Unlabelled(same)).MeanIoU, 1);
        Assert.Equal("expected-confusion+tested-em", LabelFreeEstimators.Default);
    }

    [Fact]
    public void ConformalMargin_IsTheRankCeilNPlusOneTimesTheLevel_AndWidensTheInterval()
    {
        double[] errors = [0.05, 0.01, 0.03, 0.02, 0.04, 0.06, 0.08, 0.07, 0.1, 0.09];
        Assert.Equal(0.1, EstimatorMargins.Conformal(errors, 0.9));   // ceil(11 * 0.9) = 10th
        Assert.Equal(0.06, EstimatorMargins.Conformal(errors, 0.5));  // ceil(5.5) = 6th
        Assert.Equal(double.PositiveInfinity, EstimatorMargins.Conformal(errors, 0.95)); // ceil(10.45) = 11 > 10

        var estimate = new IoUEstimate("x", [0.5], 0.5, [1.0], Interval: (0.48, 0.60));
        var margin = new EstimatorMargin("quick", "x", 0.95, 0.05, 10, new Dictionary<string, double>(), "test");
        var widened = LabelFreeEstimators.WithMargin(estimate, margin);
        Assert.Equal((0.45, 0.60), widened.Interval!.Value);
        Assert.Equal(0.05, widened.Margin);
        Assert.Same(estimate, LabelFreeEstimators.WithMargin(estimate, (EstimatorMargin?)null));
    }

    [Fact]
    public void TheShippedMargins_AreEmbedded_AndCoverTheDefaultAtQuickScale_WithACoveragePerFamily()
    {
        var margin = EstimatorMargins.Of("quick", LabelFreeEstimators.Default);
        Assert.NotNull(margin);
        Assert.InRange(margin!.Margin, 0.0, 0.5);
        Assert.Equal(0.95, margin.Level);
        Assert.Contains("test desert", margin.HeldOutFamilyCoverage.Keys);
        Assert.Contains("val-C", margin.HeldOutFamilyCoverage.Keys);
        Assert.Null(EstimatorMargins.Of("full", LabelFreeEstimators.Default)); // never measured there: no margin is claimed
    }
}
