using DesertSeg.Lab.Inference;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace DesertSeg.Lab.Tests.Inference;

public class TestTimeAugmentationTests
{
    [Fact]
    public void SizesOfTheThreeScalesAtTheReportInputSize()
    {
        var sizes = TestTimeAugmentation.Original.TtaSizes(512, 896);
        Assert.Equal([(384, 672), (512, 896), (640, 1120)], sizes);
        Assert.Equal(6, TestTimeAugmentation.Original.Passes);
    }

    [Fact]
    public void SidesRoundHalfToEvenLikePythonAndNeverFallBelow32()
    {
        // 144 / 32 = 4.5 -> Python's round gives 4; 80 / 32 = 2.5 -> 2; 16 * 0.5 / 32 -> 0 -> floor of 32.
        var tta = new TestTimeAugmentation([1.0], false);
        Assert.Equal([(128, 256)], tta.TtaSizes(144, 256));
        Assert.Equal([(64, 96)], tta.TtaSizes(80, 96));
        Assert.Equal([(32, 32)], new TestTimeAugmentation([0.5], false).TtaSizes(16, 16));
    }

    [Fact]
    public void ScaleOneWithoutFlipEqualsSingleScaleInference()
    {
        using var predictor = TinyModel.Predictor();
        manual_seed(3);
        using var input = randn(1, 3, TinyModel.Height, TinyModel.Width);
        using var mode = inference_mode();
        using var plain = predictor.Model.call(input);
        using var tta = predictor.InputLogits(input, new TestTimeAugmentation([1.0], false));
        using var none = predictor.InputLogits(input);
        Assert.True(tta.eq(plain).all().item<bool>(), "TTA {1.0}, no flip, differs from one forward pass");
        Assert.True(none.eq(plain).all().item<bool>());
    }

    [Fact]
    public void MultiScaleSumsEveryPassResizedBackBilinearly()
    {
        using var predictor = TinyModel.Predictor();
        manual_seed(4);
        using var input = randn(1, 3, TinyModel.Height, TinyModel.Width);
        using var mode = inference_mode();
        using var scope = NewDisposeScope();
        // The original's predict_multiscale written out for scales 1.0 and 1.5 (32x64 -> 32x64, 64x96), with flips.
        Tensor Back(Tensor logits) => F.interpolate(logits, size: [TinyModel.Height, TinyModel.Width], mode: InterpolationMode.Bilinear, align_corners: false);
        var big = F.interpolate(input, size: [64, 96], mode: InterpolationMode.Bilinear, align_corners: false);
        var expected = predictor.Model.call(input)
            .add(predictor.Model.call(input.flip(3)).flip(3))
            .add(Back(predictor.Model.call(big)))
            .add(Back(predictor.Model.call(big.flip(3)).flip(3)));

        var actual = predictor.InputLogits(input, new TestTimeAugmentation([1.0, 1.5], true));

        Assert.True(actual.allclose(expected, rtol: 1e-5, atol: 1e-5));
    }

    [Fact]
    public void BadScalesAreRefused()
    {
        Assert.Throws<ArgumentException>(() => new TestTimeAugmentation([], true).TtaSizes(64, 64));
        Assert.Throws<ArgumentException>(() => new TestTimeAugmentation([0], true).TtaSizes(64, 64));
        var e = Assert.Throws<ArgumentException>(() => TestTimeAugmentation.ParseScales("0.75,big"));
        Assert.Contains("big", e.Message);
        Assert.Equal([0.75, 1.0, 1.25], TestTimeAugmentation.ParseScales("0.75, 1, 1.25"));
    }
}
