using DesertSeg.Lab.Adaptation;
using static TorchSharp.torch;

namespace DesertSeg.Lab.Tests.Adaptation;

/// <summary>FDA's amplitude swap against images whose spectra are known by hand.</summary>
public class FourierDomainAdaptationTests
{
    private const int N = 16;

    /// <summary>A 3 x 16 x 16 image, the same in every channel: f(x, y) per pixel.</summary>
    private static Tensor Image(Func<int, int, double> f)
    {
        var values = new float[3 * N * N];
        for (int c = 0; c < 3; c++)
            for (int y = 0; y < N; y++)
                for (int x = 0; x < N; x++)
                    values[(c * N + y) * N + x] = (float)f(x, y);
        return tensor(values, [3, N, N]);
    }

    private static double Wave(int x, int k, double phase) => Math.Cos(2 * Math.PI * k * x / N + phase);

    [Fact]
    public void BetaZeroReturnsTheImageUnchanged()
    {
        using var source = Image((x, y) => 100 + 10 * Wave(x, 1, 0.3) + 7 * Wave(y, 3, 1.0));
        using var target = Image((x, y) => 40 + 30 * Wave(x, 1, 1.1));
        using var result = FourierDomainAdaptation.SwapLowFrequency(source, target, 0);
        Assert.Equal(source.data<float>().ToArray(), result.data<float>().ToArray());
    }

    [Fact]
    public void OnlyTheBandsAmplitudeIsSwapped_AndThePhaseIsKept()
    {
        // beta 1/16 on 16 x 16: b = 1, so frequencies -1..1 on each axis form the band. The source's DC (100) and its
        // x-frequency-1 wave (amplitude 10, phase 0.3) are in the band; its y-frequency-3 wave is outside. The target has
        // DC 40, an x-frequency-1 wave of amplitude 30 at phase 1.1 and an x-frequency-5 wave outside the band.
        // By hand: the result is 40 + 30 cos(2 pi x / 16 + 0.3) + 7 cos(2 pi 3 y / 16 + 1.0): band amplitudes from the
        // target, the source's phase, and everything outside the band the source's.
        using var source = Image((x, y) => 100 + 10 * Wave(x, 1, 0.3) + 7 * Wave(y, 3, 1.0));
        using var target = Image((x, y) => 40 + 30 * Wave(x, 1, 1.1) + 12 * Wave(x, 5, 0.2));
        Assert.Equal(1, FourierDomainAdaptation.BandHalfWidth(N, N, 1.0 / N));

        using var result = FourierDomainAdaptation.SwapLowFrequency(source, target, 1.0 / N);

        var got = result.data<float>().ToArray();
        for (int c = 0; c < 3; c++)
            for (int y = 0; y < N; y++)
                for (int x = 0; x < N; x++)
                {
                    double expected = 40 + 30 * Wave(x, 1, 0.3) + 7 * Wave(y, 3, 1.0);
                    Assert.True(Math.Abs(got[(c * N + y) * N + x] - expected) < 1e-3,
                        $"pixel ({x},{y}) channel {c}: {got[(c * N + y) * N + x]} vs {expected}");
                }
    }

    [Fact]
    public void AWiderBandCarriesMoreOfTheTarget()
    {
        // beta 5/16: b = 5 takes the target's frequency-5 amplitude too, under the source's own phase there (0.7).
        using var source = Image((x, y) => 100 + 10 * Wave(x, 1, 0.3) + 2 * Wave(x, 5, 0.7));
        using var target = Image((x, y) => 40 + 30 * Wave(x, 1, 1.1) + 12 * Wave(x, 5, 0.2));
        using var result = FourierDomainAdaptation.SwapLowFrequency(source, target, 5.0 / N);
        var got = result.data<float>().ToArray();
        for (int x = 0; x < N; x++)
        {
            double expected = 40 + 30 * Wave(x, 1, 0.3) + 12 * Wave(x, 5, 0.7);
            Assert.True(Math.Abs(got[x] - expected) < 1e-3, $"pixel {x}: {got[x]} vs {expected}");
        }
    }
}
