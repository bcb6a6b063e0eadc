using DesertSeg.Lab.Losses;
using static TorchSharp.torch;

namespace DesertSeg.Lab.Tests.Losses;

public class OhemTests
{
    /// <summary>Two-class logits whose softmax gives class 0 the probabilities <paramref name="p"/> (1 x 2 x 1 x n).</summary>
    private static Tensor Logits(params double[] p) =>
        tensor(p.Select(v => (float)Math.Log(v)).Concat(p.Select(v => (float)Math.Log(1 - v))).ToArray(), [1, 2, 1, p.Length]);

    [Fact]
    public void KeepsPixelsBelowTheThreshold_AveragingOverEveryPixel()
    {
        using var logits = Logits(0.9, 0.6, 0.2, 0.95);
        using var target = zeros([1, 1, 4], ScalarType.Int64);
        using var loss = new OhemCrossEntropyLoss(new OhemConfig(Threshold: 0.7, MinKeptFraction: 0));
        using var value = loss.call(logits, target);
        // MMSegmentation: kept pixels weigh 1, the others 0, and the mean runs over all 4 pixels.
        Assert.Equal((-Math.Log(0.6) - Math.Log(0.2)) / 4, value.item<float>(), 5);
    }

    [Fact]
    public void RaisesTheThresholdToKeepTheMinimumShareHardestFirst()
    {
        // 3 of 4 pixels must stay: the third-hardest probability (0.9) is above 0.7, so the threshold becomes
        // the next one up, 0.95, and every pixel below it is kept: 0.2, 0.6 and 0.9.
        using var logits = Logits(0.9, 0.6, 0.2, 0.95);
        using var target = zeros([1, 1, 4], ScalarType.Int64);
        using var loss = new OhemCrossEntropyLoss(new OhemConfig(Threshold: 0.7, MinKeptFraction: 0.75));
        using var hard = loss.HardTarget(logits, target);
        Assert.Equal([0L, 0, 0, 255], hard.data<long>().ToArray());
        using var value = loss.call(logits, target);
        Assert.Equal((-Math.Log(0.9) - Math.Log(0.6) - Math.Log(0.2)) / 4, value.item<float>(), 5);
    }

    [Fact]
    public void IgnoredPixelsStayIgnoredAndClassWeightsApply()
    {
        // Pixel 2 is ignored (255) and would otherwise be the hardest. Class 1 weighs 3.
        using var logits = Logits(0.5, 0.4, 0.01, 0.3);
        using var target = tensor(new long[] { 0, 1, 255, 0 }, [1, 1, 4]);
        using var loss = new OhemCrossEntropyLoss(new OhemConfig(Threshold: 0.7, MinKeptFraction: 0), [1.0, 3.0]);
        using var value = loss.call(logits, target);
        // True-class probabilities: 0.5, 1 - 0.4 = 0.6, (ignored), 0.3: all below 0.7.
        // Class weights scale their pixels; the mean runs over all 4 pixels, the ignored one counting 0.
        double expected = (-Math.Log(0.5) - 3 * Math.Log(0.6) - Math.Log(0.3)) / 4;
        Assert.Equal(expected, value.item<float>(), 5);
    }
}
