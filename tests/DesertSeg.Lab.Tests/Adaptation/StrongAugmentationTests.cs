using DesertSeg.Lab.Adaptation.Objectives;
using DesertSeg.Lab.Data.Augmentation;
using static TorchSharp.torch;

namespace DesertSeg.Lab.Tests.Adaptation;

/// <summary>DACS's strong augmentation: hue turns around the colour circle, jitter fires four times in five.</summary>
public class StrongAugmentationTests
{
    private static Tensor Pixel(float r, float g, float b) => tensor(new[] { r, g, b }, [3, 1, 1]);

    [Theory]
    [InlineData(1f, 0f, 0f, 1.0 / 3, 0f, 1f, 0f)]   // red -> green
    [InlineData(0f, 1f, 0f, 1.0 / 3, 0f, 0f, 1f)]   // green -> blue
    [InlineData(1f, 0f, 0f, 1.0 / 6, 1f, 1f, 0f)]   // red -> yellow
    [InlineData(0.8f, 0.4f, 0.4f, -1.0 / 3, 0.4f, 0.4f, 0.8f)] // pale red -> pale blue
    public void HueTurnsAroundTheColourCircle(float r, float g, float b, double turn, float er, float eg, float eb)
    {
        using var shifted = StrongAugmentation.ShiftHue(Pixel(r, g, b), turn);
        Assert.Equal(new[] { er, eg, eb }, shifted.data<float>().ToArray().Select(v => (float)Math.Round(v, 4)).ToArray());
    }

    [Fact]
    public void HueTurnKeepsValueAndSaturation_AndZeroIsIdentity()
    {
        manual_seed(4);
        using var image = rand(3, 8, 8);
        using var same = StrongAugmentation.ShiftHue(image, 0);
        using var turned = StrongAugmentation.ShiftHue(image, 0.27);
        Assert.True(allclose(same, image, atol: 1e-5));
        Assert.True(allclose(turned.amax([0]), image.amax([0]), atol: 1e-5));
        Assert.True(allclose(turned.amin([0]), image.amin([0]), atol: 1e-5));
    }

    [Fact]
    public void JitterFiresFourTimesInFive()
    {
        var random = new SampleRandom(12);
        manual_seed(5);
        using var image = rand(3, 2, 2) * 0.5 + 0.25;
        int changed = 0, draws = 2000;
        for (int i = 0; i < draws; i++)
        {
            using var scope = NewDisposeScope();
            var x = StrongAugmentation.Apply(image, strength: 0.2, jitterP: new SelfTraining().ColourJitterP, blurP: 0, random);
            if (!allclose(x, image, rtol: 0, atol: 0)) changed++;
        }
        Assert.InRange(changed / (double)draws, 0.77, 0.83);
    }
}
