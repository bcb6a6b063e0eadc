using DesertSeg.Lab.Data;
using DesertSeg.Lab.Estimation;
using DesertSeg.Lab.Evaluation;
using Xunit;

namespace DesertSeg.Lab.Tests.Estimation;

/// <summary>The label-free estimators on hand-computed cases: a known confusion gives a known estimate.</summary>
public class EstimatorTests
{
    /// <summary>A sample whose pixels have these probabilities (logits = their logs), one image per
    /// <paramref name="perImage"/> pixels.</summary>
    internal static PixelSample FromProbabilities(double[][] probabilities, byte[]? labels = null, int? perImage = null)
    {
        int c = probabilities[0].Length, n = probabilities.Length, step = perImage ?? n;
        var logits = probabilities.SelectMany(p => p.Select(v => (float)Math.Log(v))).ToArray();
        var offsets = Enumerable.Range(0, n / step + 1).Select(i => i * step).ToArray();
        return new PixelSample(c, logits, labels, offsets);
    }

    /// <summary>Validation scores of a sample from its own labels (what a labelled pass would have measured).</summary>
    private static SegmentationMetrics TrueMetrics(PixelSample sample)
    {
        var confusion = new ConfusionMatrix(sample.Classes);
        confusion.Add(sample.Predicted, sample.Labels!);
        return confusion.Metrics();
    }

    private static readonly double[][] FourPixels = [[0.8, 0.2], [0.6, 0.4], [0.3, 0.7], [0.1, 0.9]];

    [Fact]
    public void ExpectedConfusion_OfKnownProbabilities_IsTheHandComputedIoU()
    {
        var target = FromProbabilities(FourPixels);
        var validation = new CalibrationSet(FromProbabilities(FourPixels, [0, 0, 1, 1]), TrueMetrics(
            FromProbabilities(FourPixels, [0, 0, 1, 1])), temperature: 1);

        var estimate = new ExpectedConfusion(validation, labelShift: false).Estimate(target);

        // Class 0: TP 0.8 + 0.6 = 1.4, predicted 2, expected true 0.8 + 0.6 + 0.3 + 0.1 = 1.8 -> 1.4 / 2.4.
        // Class 1: TP 0.7 + 0.9 = 1.6, predicted 2, expected true 2.2 -> 1.6 / 2.6.
        Assert.Equal(1.4 / 2.4, estimate.ClassIoU[0]!.Value, 6);
        Assert.Equal(1.6 / 2.6, estimate.ClassIoU[1]!.Value, 6);
        Assert.Equal((1.4 / 2.4 + 1.6 / 2.6) / 2, estimate.MeanIoU, 6);
        Assert.Equal([0.5, 0.5], estimate.PredictedShare);
    }

    [Fact]
    public void ExpectedConfusion_OfCalibratedProbabilities_MatchesTheIoUOfLabelsDrawnFromThem()
    {
        var random = new Random(7);
        int n = 40000;
        var probabilities = Enumerable.Range(0, n).Select(_ =>
        {
            var raw = new[] { random.NextDouble() * 3, random.NextDouble(), random.NextDouble() * 0.5 };
            return raw.Select(v => v / raw.Sum()).ToArray();
        }).ToArray();
        var labels = probabilities.Select(p => Draw(random, p)).ToArray();
        var sample = FromProbabilities(probabilities, labels);
        var validation = new CalibrationSet(sample, TrueMetrics(sample), temperature: 1);

        var estimate = new ExpectedConfusion(validation, labelShift: false).Estimate(FromProbabilities(probabilities));

        Assert.Equal(TrueMetrics(sample).MeanIoU, estimate.MeanIoU, 2);
    }

    private static byte Draw(Random random, double[] p)
    {
        double u = random.NextDouble(), sum = 0;
        for (int k = 0; k < p.Length; k++) if (u < (sum += p[k])) return (byte)k;
        return (byte)(p.Length - 1);
    }

    [Fact]
    public void TemperatureScaling_RecoversTheTemperatureLabelsWereDrawnAt()
    {
        var random = new Random(3);
        int n = 30000;
        var logits = new float[n * 3];
        var labels = new byte[n];
        for (int i = 0; i < n; i++)
        {
            for (int k = 0; k < 3; k++) logits[i * 3 + k] = (float)(random.NextDouble() * 8 - 4);
            // Labels follow softmax(z / 2): the model is over-confident by a factor 2.
            var p = Enumerable.Range(0, 3).Select(k => Math.Exp(logits[i * 3 + k] / 2)).ToArray();
            labels[i] = Draw(random, p.Select(v => v / p.Sum()).ToArray());
        }

        double temperature = TemperatureScaling.Fit(new PixelSample(3, logits, labels, [0, n]));

        Assert.InRange(temperature, 1.9, 2.1);
    }

    [Fact]
    public void LabelShiftEm_FindsThePriorsThatGeneratedTheTarget()
    {
        // Two kinds of pixels: p(A|0) = 0.75, p(A|1) = 0.25. Under uniform source priors the posteriors are (0.75, 0.25) for
        // A and (0.25, 0.75) for B. A target with priors (0.8, 0.2) has 0.8 * 0.75 + 0.2 * 0.25 = 65% A pixels.
        var posteriors = Enumerable.Repeat(new[] { 0.75, 0.25 }, 65).Concat(Enumerable.Repeat(new[] { 0.25, 0.75 }, 35))
            .SelectMany(p => p).ToArray();

        var priors = LabelShift.TargetPriors(posteriors, 2, [0.5, 0.5]);

        Assert.Equal(0.8, priors[0], 4);
        Assert.Equal(0.2, priors[1], 4);
    }

    [Fact]
    public void AtcThreshold_LeavesTheAskedShareAbove()
    {
        Assert.Equal(2.5, AverageThresholdedConfidence.Threshold([4, 1, 3, 2], 0.5));
        Assert.Equal(double.NegativeInfinity, AverageThresholdedConfidence.Threshold([1, 2], 1));
        Assert.Equal(double.PositiveInfinity, AverageThresholdedConfidence.Threshold([1, 2], 0));
    }

    [Fact]
    public void Atc_OnItsOwnTwoClassValidation_ReturnsTheTrueIoU()
    {
        // With two classes every wrong prediction of one class is a miss of the other, so ATC's counts are the confusion.
        var probabilities = new double[][]
        {
            [0.95, 0.05], [0.9, 0.1], [0.7, 0.3], [0.6, 0.4], [0.55, 0.45],
            [0.2, 0.8], [0.1, 0.9], [0.35, 0.65], [0.45, 0.55],
        };
        byte[] labels = [0, 0, 0, 1, 1, 1, 1, 1, 0];
        var validation = FromProbabilities(probabilities, labels);
        var calibration = new CalibrationSet(validation, TrueMetrics(validation), temperature: 1);

        var estimate = new AverageThresholdedConfidence(calibration, labelShift: false).Estimate(FromProbabilities(probabilities));

        // Truth: class 0 predicted on 5 pixels, 3 right; class 1 predicted on 4, 3 right. IoU0 = 3 / (5 + 4 - 3), IoU1 = 3 / (4 + 5 - 3).
        Assert.Equal(3.0 / 6, estimate.ClassIoU[0]!.Value, 6);
        Assert.Equal(3.0 / 6, estimate.ClassIoU[1]!.Value, 6);
        Assert.Equal(TrueMetrics(validation).MeanIoU, estimate.MeanIoU, 5);
    }

    [Fact]
    public void DifferenceOfConfidences_LowersTheValidationScoreByTheConfidenceDrop()
    {
        var validation = FromProbabilities([[0.9, 0.1], [0.9, 0.1], [0.1, 0.9], [0.1, 0.9]], [0, 1, 1, 1]);
        var calibration = new CalibrationSet(validation, TrueMetrics(validation));
        var target = FromProbabilities([[0.7, 0.3], [0.7, 0.3], [0.3, 0.7], [0.3, 0.7]]);

        var estimate = new DifferenceOfConfidences(calibration).Estimate(target);

        // Truth on validation: class 0 IoU 1/2, class 1 IoU 2/3; confidence 0.9 there, 0.7 on the target.
        // (Evaluation's IoU divides by union + 1e-6, hence 5 places.)
        Assert.Equal((0.5 + 2.0 / 3) / 2 - 0.2, estimate.MeanIoU, 5);
        Assert.Equal(0.5 - 0.2, estimate.ClassIoU[0]!.Value, 5);
        Assert.Equal(2.0 / 3 - 0.2, estimate.ClassIoU[1]!.Value, 5);
    }

    [Fact]
    public void Naive_ReturnsTheValidationScore()
    {
        var validation = FromProbabilities([[0.9, 0.1], [0.9, 0.1], [0.1, 0.9], [0.1, 0.9]], [0, 1, 1, 1]);
        var calibration = new CalibrationSet(validation, TrueMetrics(validation));

        var estimate = new ValidationScore(calibration).Estimate(FromProbabilities([[0.2, 0.8]]));

        Assert.Equal((0.5 + 2.0 / 3) / 2, estimate.MeanIoU, 5);
        Assert.Equal([0.0, 1.0], estimate.PredictedShare);
    }

    [Fact]
    public void FromCounts_LeavesOutAClassNeitherPredictedNorExpected()
    {
        var estimate = IoUEstimate.FromCounts("test", [50, 30, 0], [60, 40, 0], [55, 44.99, 0.01]);

        Assert.Null(estimate.ClassIoU[2]);
        Assert.Equal((50.0 / 65 + 30.0 / 54.99) / 2, estimate.MeanIoU, 6);
    }

    [Fact]
    public void Agreement_OfOnePair_IsTheHandComputedMIoU_ButCarriesNothing()
    {
        // Validation: the two models agree on 3 of 4 pixels; target: on 1 of 4 (every pixel scored).
        byte[] labels = [0, 0, 1, 1];
        var valA = FromProbabilities([[0.9, 0.1], [0.9, 0.1], [0.1, 0.9], [0.1, 0.9]], labels);
        var valB = FromProbabilities([[0.9, 0.1], [0.1, 0.9], [0.1, 0.9], [0.1, 0.9]], labels);
        var targetA = FromProbabilities([[0.9, 0.1], [0.9, 0.1], [0.1, 0.9], [0.1, 0.9]]);
        var targetB = FromProbabilities([[0.1, 0.9], [0.1, 0.9], [0.9, 0.1], [0.1, 0.9]]);

        // Agreement mIoU: validation (1/2 + 2/3) / 2; target: class 0 0/3, class 1 1/4.
        Assert.Equal((0.5 + 2.0 / 3) / 2, AgreementOnTheLine.Agreement(valA, valB, scoredOnly: true).MeanIoU, 6);
        Assert.Equal((0 + 1.0 / 4) / 2, AgreementOnTheLine.Agreement(targetA, targetB, scoredOnly: false).MeanIoU, 6);
        // One pair is one point: no line through it, so no estimate (the paper fits many models), not a slope of 1.
        var calibration = new[] { new CalibrationSet(valA, TrueMetrics(valA)), new CalibrationSet(valB, TrueMetrics(valB)) };
        Assert.Null(AgreementOnTheLine.Estimate(calibration, [targetA, targetB], model: 0));
    }

    [Fact]
    public void AgreementLine_RecoversSlopeAndBiasInProbitSpace_AndNeedsThreePoints()
    {
        double[] x = [0.6, 0.7, 0.8];
        var y = x.Select(v => MathNet.Numerics.Distributions.Normal.CDF(0, 1, 0.5 * AgreementOnTheLine.Probit(v) - 0.3)).ToArray();

        var line = AgreementOnTheLine.FitLine(x, y)!;

        Assert.Equal(0.5, line.Slope, 6);
        Assert.Equal(-0.3, line.Bias, 6);
        Assert.Equal(1.0, line.RSquared, 6);
        Assert.Null(AgreementOnTheLine.FitLine(x[..2], y[..2]));
        Assert.Null(AgreementOnTheLine.FitLine([0.7, 0.7, 0.7], y));
    }

    [Fact]
    public void Interval_IsReproducibleAndHoldsThePointEstimate()
    {
        var random = new Random(1);
        var probabilities = Enumerable.Range(0, 200).Select(_ =>
        {
            double p = random.NextDouble();
            return new[] { p, 1 - p };
        }).ToArray();
        var sample = FromProbabilities(probabilities, perImage: 10);
        var validation = new CalibrationSet(FromProbabilities(probabilities, probabilities.Select(p => (byte)(p[0] > 0.5 ? 0 : 1)).ToArray()),
            TrueMetrics(FromProbabilities(probabilities, probabilities.Select(p => (byte)(p[0] > 0.5 ? 0 : 1)).ToArray())), 1);
        var estimator = new ExpectedConfusion(validation, false);

        var first = LabelFreeEstimators.WithInterval(estimator, sample);
        var second = LabelFreeEstimators.WithInterval(estimator, sample);

        Assert.Equal(first.Interval, second.Interval);
        Assert.InRange(first.MeanIoU, first.Interval!.Value.Low, first.Interval.Value.High);
        Assert.True(first.Interval.Value.High > first.Interval.Value.Low);
    }

    [Fact]
    public void Registry_RefusesAnUnknownNameListingTheKnownOnes()
    {
        var error = Assert.Throws<ArgumentException>(() => LabelFreeEstimators.ByName("magic"));

        Assert.Contains("expected-confusion+em", error.Message);
        Assert.Contains(LabelFreeEstimators.Default, LabelFreeEstimators.Names);
    }

    [Fact]
    public void Sampler_KeepsEveryStrideThPixelFromHalfAStrideIn()
    {
        // Logit value = 100 * row + column in class 0, minus it in class 1.
        var values = new float[2 * 8 * 8];
        for (int r = 0; r < 8; r++)
            for (int c = 0; c < 8; c++)
            {
                values[r * 8 + c] = 100 * r + c;
                values[64 + r * 8 + c] = -(100 * r + c);
            }
        var sampler = new PixelSampler(stride: 4);
        using var logits = TorchSharp.torch.tensor(values, [1, 2, 8, 8]);

        sampler.Add(logits);
        var sample = sampler.Build();

        Assert.Equal([202f, -202f, 206f, -206f, 602f, -602f, 606f, -606f], sample.Logits);
        Assert.Equal([0, 4], sample.ImageOffsets);
        Assert.Null(sample.Labels);
    }

    [Fact]
    public void Subset_RepeatsImagesInTheOrderAsked()
    {
        var sample = FromProbabilities([[0.9, 0.1], [0.8, 0.2], [0.3, 0.7], [0.4, 0.6]], [0, 0, 1, ClassScheme.Ignore], perImage: 2);

        var draw = sample.Subset([1, 1, 0]);

        Assert.Equal(6, draw.Count);
        Assert.Equal([0, 2, 4, 6], draw.ImageOffsets);
        Assert.Equal([1, ClassScheme.Ignore, 1, ClassScheme.Ignore, 0, 0], draw.Labels);
    }

    /// <summary>A sample of <paramref name="images"/> images of <paramref name="perImage"/> pixels, random logits over
    /// <paramref name="classes"/> classes, labels drawn from each pixel's softmax (some ignored).</summary>
    private static PixelSample RandomSample(int seed, int images, int perImage, int classes, bool labelled)
    {
        var random = new Random(seed);
        int n = images * perImage;
        var logits = Enumerable.Range(0, n * classes).Select(_ => (float)(random.NextDouble() * 6 - 3)).ToArray();
        byte[]? labels = labelled
            ? Enumerable.Range(0, n).Select(i => random.NextDouble() < 0.05 ? ClassScheme.Ignore
                : (byte)(Enumerable.Range(0, classes).MaxBy(k => logits[i * classes + k] + random.NextDouble() * 2))).ToArray()
            : null;
        return new PixelSample(classes, logits, labels, Enumerable.Range(0, images + 1).Select(i => i * perImage).ToArray());
    }

    [Fact]
    public void Atc_ScoresTheTemperatureScaledSoftmax_AsTheReferenceCalibratesBeforeFitting()
    {
        // ATC at temperature T on logits z must be ATC at temperature 1 on z / T, on validation and on the target.
        const double t = 2.5;
        var validation = RandomSample(seed: 11, images: 4, perImage: 200, classes: 3, labelled: true);
        var target = RandomSample(seed: 12, images: 4, perImage: 200, classes: 3, labelled: false);
        PixelSample Scaled(PixelSample s) => new(s.Classes, s.Logits.Select(z => (float)(z / t)).ToArray(),
            s.Labels?.ToArray(), s.ImageOffsets.ToArray());

        var atT = new AverageThresholdedConfidence(new CalibrationSet(validation, TrueMetrics(validation), temperature: t), false);
        var scaled = Scaled(validation);
        var atOne = new AverageThresholdedConfidence(new CalibrationSet(scaled, TrueMetrics(scaled), temperature: 1), false);

        Assert.Equal(atOne.Thresholds.ToArray(), atT.Thresholds.ToArray(), (a, b) => Math.Abs(a - b) < 1e-6);
        Assert.Equal(atOne.Estimate(Scaled(target)).MeanIoU, atT.Estimate(target).MeanIoU, 6);
        // The temperature matters here: the raw softmax's thresholds are not these.
        Assert.NotEqual(Probabilities.NegativeEntropy(validation).Max(), Probabilities.NegativeEntropy(scaled).Max(), 3);
    }

    /// <summary>The same pixels in a sample that has computed nothing yet.</summary>
    private static PixelSample Fresh(PixelSample sample) =>
        new(sample.Classes, sample.Logits.ToArray(), sample.Labels?.ToArray(), sample.ImageOffsets.ToArray());

    [Fact]
    public void Subset_GathersWhatTheWholeSampleComputed_AsTheSubsetWouldComputeIt()
    {
        var sample = RandomSample(seed: 3, images: 5, perImage: 7, classes: 3, labelled: true);
        _ = (Probabilities.Of(sample, 1.7), Probabilities.NegativeEntropy(sample), Probabilities.Confidence(sample), sample.Predicted);

        var draw = sample.Subset([3, 0, 3, 1]);
        var own = Fresh(draw);

        Assert.Equal(Probabilities.Of(own, 1.7), Probabilities.Of(draw, 1.7));
        Assert.Equal(Probabilities.NegativeEntropy(own), Probabilities.NegativeEntropy(draw));
        Assert.Equal(Probabilities.Confidence(own), Probabilities.Confidence(draw));
        Assert.Equal(own.Predicted, draw.Predicted);
    }

    [Fact]
    public void Intervals_OfAllEstimatorsTogether_AreWhatEachGivesOnDrawsComputedFromScratch()
    {
        var validationSample = RandomSample(seed: 1, images: 6, perImage: 40, classes: 3, labelled: true);
        var validation = new CalibrationSet(validationSample, TrueMetrics(validationSample));
        var target = RandomSample(seed: 2, images: 9, perImage: 30, classes: 3, labelled: false);
        var estimators = LabelFreeEstimators.All.Select(kind => kind.Fit(validation)).ToList();

        var together = LabelFreeEstimators.WithIntervals(estimators, target, resamples: 40, seed: 5);

        for (int e = 0; e < estimators.Count; e++)
        {
            // Each draw's estimate from a sample that gathered nothing (every probability and EM computed on the draw itself).
            var random = new Random(5);
            var means = new double[40];
            for (int r = 0; r < means.Length; r++)
            {
                var draw = Enumerable.Range(0, target.Images).Select(_ => random.Next(target.Images)).ToArray();
                means[r] = estimators[e].Estimate(Fresh(target).Subset(draw)).MeanIoU;
            }
            var point = estimators[e].Estimate(Fresh(target));
            Assert.Equal(point.MeanIoU, together[e].MeanIoU);
            Assert.Equal(point.ClassIoU, together[e].ClassIoU);
            Assert.Equal((MathNet.Numerics.Statistics.Statistics.Quantile(means, 0.025),
                MathNet.Numerics.Statistics.Statistics.Quantile(means, 0.975)), together[e].Interval);
        }
    }
}
