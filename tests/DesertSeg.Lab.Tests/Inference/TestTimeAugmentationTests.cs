using DesertSeg.Lab.Inference;
using static TorchSharp.torch;

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
        // 288 * 0.5 / 32 = 4.5 -> Python's round gives 4; 160 * 0.5 / 32 = 2.5 -> 2; 16 * 0.5 / 32 -> 0 -> floor of 32.
        var half = new TestTimeAugmentation([0.5], false);
        Assert.Equal([(128, 64)], half.TtaSizes(288, 160));
        Assert.Equal([(32, 32)], half.TtaSizes(16, 16));
    }

    [Fact]
    public void ScaleOneRunsAtTheInputSizeEvenWhereRoundingWouldChangeIt()
    {
        // The quick scale's 144x256: 144 / 32 = 4.5 would round to 128 rows.
        Assert.Equal([(144, 256)], TestTimeAugmentation.None.TtaSizes(144, 256));
        Assert.Equal([(96, 192), (144, 256), (192, 320)], TestTimeAugmentation.Original.TtaSizes(144, 256));
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
        // The original's predict_multiscale for scales 1.0 and 1.5 (32x64 and, rounded half to even, 64x96), with flips, written
        // with a hand-made bilinear resize (align_corners=False) instead of the library's interpolate.
        var big = BilinearReference(input, 64, 96);
        var expected = predictor.Model.call(input)
            .add(predictor.Model.call(input.flip(3)).flip(3))
            .add(BilinearReference(predictor.Model.call(big), TinyModel.Height, TinyModel.Width))
            .add(BilinearReference(predictor.Model.call(big.flip(3)).flip(3), TinyModel.Height, TinyModel.Width));

        var actual = predictor.InputLogits(input, new TestTimeAugmentation([1.0, 1.5], true));

        Assert.True(actual.allclose(expected, rtol: 1e-4, atol: 1e-4), $"max |diff| {(actual - expected).abs().max().item<float>()}");
    }

    [Fact]
    public void QuickScaleSinglePassRunsTheModelAt144x256()
    {
        using var model = TinyModel.Create(7, seed: 5);
        using var predictor = new Predictor(model, DesertSeg.Lab.Data.ClassScheme.SevenClass, 144, 256);
        manual_seed(6);
        using var input = randn(1, 3, 144, 256);
        using var mode = inference_mode();
        using var direct = model.call(input);
        using var viaPredictor = predictor.InputLogits(input);
        Assert.Equal([1L, 7, 144, 256], viaPredictor.shape);
        Assert.True(viaPredictor.eq(direct).all().item<bool>(), "single-scale prediction did not run the model at its input size");
    }

    /// <summary>Bilinear resize with PyTorch's align_corners=False convention, in plain loops (an independent reference).</summary>
    private static Tensor BilinearReference(Tensor x, int outH, int outW)
    {
        long n = x.shape[0], c = x.shape[1], inH = x.shape[2], inW = x.shape[3];
        var src = x.contiguous().cpu().data<float>().ToArray();
        var dst = new float[n * c * outH * outW];
        (long I0, long I1, float L) Coord(int o, long inSize, int outSize)
        {
            double s = Math.Max(0, (o + 0.5) * inSize / outSize - 0.5);
            long i0 = Math.Min((long)Math.Floor(s), inSize - 1);
            return (i0, Math.Min(i0 + 1, inSize - 1), (float)(s - i0));
        }
        for (long p = 0; p < n * c; p++)
            for (int oy = 0; oy < outH; oy++)
            {
                var (y0, y1, ly) = Coord(oy, inH, outH);
                for (int ox = 0; ox < outW; ox++)
                {
                    var (x0, x1, lx) = Coord(ox, inW, outW);
                    float V(long yy, long xx) => src[(p * inH + yy) * inW + xx];
                    dst[(p * outH + oy) * outW + ox] =
                        (1 - ly) * ((1 - lx) * V(y0, x0) + lx * V(y0, x1)) + ly * ((1 - lx) * V(y1, x0) + lx * V(y1, x1));
                }
            }
        return tensor(dst, [n, c, outH, outW]);
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
