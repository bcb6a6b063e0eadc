using DesertSeg.Lab.Data;

namespace DesertSeg.Lab.Evaluation.Corruptions;

/// <summary>
/// ImageNet-C gaussian_noise: x + N(0, c^2) on 0..1 values, independently per pixel and channel, clipped;
/// c = 0.08, 0.12, 0.18, 0.26, 0.38. Photometric, so the parameters are as published at any image size.
/// Differs from the reference only in rounding to bytes (the reference truncates when it saves).
/// </summary>
public sealed class GaussianNoise : Corruption
{
    private static readonly double[] Sigma = [0.08, 0.12, 0.18, 0.26, 0.38];

    /// <inheritdoc/>
    public override string Name => "gaussian_noise";

    /// <inheritdoc/>
    public override CorruptionFamily Family => CorruptionFamily.Noise;

    /// <inheritdoc/>
    public override RgbImage Apply(RgbImage image, int severity, int seed)
    {
        double c = Sigma[CorruptionPixels.Level(severity)];
        var normal = new NormalSampler(new Random(seed));
        var source = image.Pixels;
        var result = new byte[source.Length];
        for (int i = 0; i < source.Length; i++)
            result[i] = CorruptionPixels.ToByte((float)(source[i] / 255.0 + c * normal.Next()));
        return new RgbImage(image.Width, image.Height, result);
    }
}
