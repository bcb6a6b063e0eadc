using DesertSeg.Lab.Losses;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace DesertSeg.Lab.Tests.Losses;

public class LossTests
{
    private const long Ignore = 255;

    [Fact]
    public void UniformLogitsGiveHandComputedValues()
    {
        // 1 x 3 classes x 2 x 2, all logits 0 -> p = 1/3 everywhere. Targets [0, 0, 1, ignore].
        // CE: every valid pixel has nll = ln 3, whatever the weights.
        // Dice (3 valid pixels): class 0 inter 2/3, card 3*(1/3)+2 = 3, dice 4/9 -> loss 5/9;
        // class 1 inter 1/3, card 1+1 = 2, dice 1/3 -> loss 2/3; class 2 absent -> loss 0 but counted.
        // Mean over all 3 classes: (5/9 + 6/9 + 0) / 3 = 11/27.
        using var scope = NewDisposeScope();
        var logits = zeros(1, 3, 2, 2);
        var target = tensor(new long[] { 0, 0, 1, Ignore }).reshape(1, 2, 2);
        Assert.Equal(Math.Log(3), new WeightedCrossEntropyLoss([1.0, 2.0, 5.0]).call(logits, target).item<float>(), 6);
        Assert.Equal(11.0 / 27.0, new MulticlassDiceLoss().call(logits, target).item<float>(), 6);

        var combined = new SegmentationLoss(new LossConfig("uniform"), ["a", "b", "c"]).Evaluate(logits, target);
        Assert.Equal(0.5 * Math.Log(3) + 0.5 * 11.0 / 27.0, combined.Total.item<float>(), 6);
    }

    [Fact]
    public void WeightedCrossEntropyIsWeightedMeanOverNonIgnoredPixels()
    {
        using var scope = NewDisposeScope();
        // Pixels: A logits (1, 2, 3) target 2; B logits (0, 0, 0) target 0; C logits (5, -1, 0) ignored.
        var logits = tensor(new float[] { 1, 0, 5, 2, 0, -1, 3, 0, 0 }).reshape(1, 3, 1, 3);
        var target = tensor(new long[] { 2, 0, Ignore }).reshape(1, 1, 3);
        double nllA = Math.Log(Math.Exp(1) + Math.Exp(2) + Math.Exp(3)) - 3;
        double nllB = Math.Log(3);
        double[] w = [1.0, 2.0, 3.0];
        double expected = (w[2] * nllA + w[0] * nllB) / (w[2] + w[0]);
        Assert.Equal(expected, new WeightedCrossEntropyLoss(w).call(logits, target).item<float>(), 5);
        // Unweighted it is the plain mean.
        Assert.Equal((nllA + nllB) / 2, new WeightedCrossEntropyLoss().call(logits, target).item<float>(), 5);
    }

    [Fact]
    public void LossesMatchAnIndependentLoopImplementation()
    {
        using var scope = NewDisposeScope();
        var generator = new Random(7);
        const int n = 2, c = 4, h = 3, w = 5;
        var logitValues = Enumerable.Range(0, n * c * h * w).Select(_ => (float)(generator.NextDouble() * 6 - 3)).ToArray();
        // Class 3 never appears (absent), some pixels ignored.
        var targetValues = Enumerable.Range(0, n * h * w).Select(i => i % 7 == 0 ? Ignore : (long)generator.Next(3)).ToArray();
        double[] weights = [1.5, 1.0, 0.8, 5.0];

        var (ce, dice) = Reference(logitValues, targetValues, weights, n, c, h * w);
        var logits = tensor(logitValues).reshape(n, c, h, w);
        var target = tensor(targetValues).reshape(n, h, w);
        Assert.Equal(ce, new WeightedCrossEntropyLoss(weights).call(logits, target).item<float>(), 5);
        Assert.Equal(dice, new MulticlassDiceLoss().call(logits, target).item<float>(), 5);
    }

    /// <summary>The formulas of REPORT-FACTS.md, pixel by pixel in double precision.</summary>
    private static (double Ce, double Dice) Reference(float[] logits, long[] target, double[] weights, int n, int c, int pixels)
    {
        double ceNumerator = 0, ceDenominator = 0;
        var inter = new double[c];
        var card = new double[c];
        var present = new bool[c];
        for (int b = 0; b < n; b++)
        for (int p = 0; p < pixels; p++)
        {
            long y = target[b * pixels + p];
            if (y == Ignore) continue;
            var z = Enumerable.Range(0, c).Select(k => (double)logits[(b * c + k) * pixels + p]).ToArray();
            double max = z.Max();
            double sum = z.Sum(v => Math.Exp(v - max));
            double logSum = max + Math.Log(sum);
            ceNumerator += weights[y] * (logSum - z[y]);
            ceDenominator += weights[y];
            for (int k = 0; k < c; k++)
            {
                double prob = Math.Exp(z[k] - logSum);
                double t = k == y ? 1 : 0;
                inter[k] += prob * t;
                card[k] += prob + t;
            }
            present[y] = true;
        }
        double diceLoss = Enumerable.Range(0, c).Sum(k => present[k] ? 1 - 2 * inter[k] / Math.Max(card[k], 1e-7) : 0) / c;
        return (ceNumerator / ceDenominator, diceLoss);
    }

    [Fact]
    public void PerfectPredictionHasZeroDiceAndAllAbsentBatchHasZeroDice()
    {
        using var scope = NewDisposeScope();
        var target = tensor(new long[] { 0, 1, 1, 0 }).reshape(1, 2, 2);
        var confident = F.one_hot(target, 3).permute(0, 3, 1, 2).to_type(ScalarType.Float32) * 100;
        Assert.Equal(0.0, new MulticlassDiceLoss().call(confident, target).item<float>(), 5);

        var allIgnored = full(new long[] { 1, 2, 2 }, Ignore, ScalarType.Int64);
        Assert.Equal(0.0, new MulticlassDiceLoss().call(randn(1, 3, 2, 2), allIgnored).item<float>(), 6);
    }

    [Fact]
    public void CombinedLossIsHalfEachTerm()
    {
        using var scope = NewDisposeScope();
        var logits = randn(2, 7, 8, 8, generator: new Generator(3));
        var target = randint(0, 7, [2, 8, 8], generator: new Generator(4));
        target[0, 0, 0] = tensor(Ignore);
        string[] names = ["Trees", "Lush Bushes", "Dry Grass", "Dry Bushes", "Rocks", "Landscape", "Sky"];
        var loss = new SegmentationLoss(new LossConfig(), names);
        var terms = loss.Evaluate(logits, target);
        double ce = new WeightedCrossEntropyLoss(ClassWeightPresets.Code.For(names)).call(logits, target).item<float>();
        double dice = new MulticlassDiceLoss().call(logits, target).item<float>();
        Assert.Equal(ce, terms.CrossEntropy.item<float>(), 6);
        Assert.Equal(dice, terms.Dice.item<float>(), 6);
        Assert.Equal(0.5 * ce + 0.5 * dice, loss.call(logits, target).item<float>(), 5);
    }

    [Fact]
    public void LossGradientFlowsToLogits()
    {
        using var scope = NewDisposeScope();
        var logits = randn(1, 3, 4, 4).requires_grad_();
        var target = randint(0, 3, [1, 4, 4]);
        new SegmentationLoss(new LossConfig("uniform"), ["a", "b", "c"]).call(logits, target).backward();
        Assert.True(logits.grad is not null && logits.grad.abs().sum().item<float>() > 0);
    }
}
