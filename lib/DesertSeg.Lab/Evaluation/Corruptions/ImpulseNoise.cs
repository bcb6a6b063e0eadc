using DesertSeg.Lab.Data;

namespace DesertSeg.Lab.Evaluation.Corruptions;

/// <summary>
/// ImageNet-C impulse_noise (skimage random_noise mode 's&amp;p', salt_vs_pepper 0.5): each pixel channel independently,
/// with probability c, becomes 0 or 1 with equal chance; c = 0.03, 0.06, 0.09, 0.17, 0.27. Photometric (a fraction of
/// pixels), so the parameters are as published at any image size.
/// </summary>
public sealed class ImpulseNoise : Corruption
{
    private static readonly double[] Amount = [0.03, 0.06, 0.09, 0.17, 0.27];

    /// <inheritdoc/>
    public override string Name => "impulse_noise";

    /// <inheritdoc/>
    public override CorruptionFamily Family => CorruptionFamily.Noise;

    /// <inheritdoc/>
    public override RgbImage Apply(RgbImage image, int severity, int seed)
    {
        double c = Amount[CorruptionPixels.Level(severity)];
        var random = new Random(seed);
        var result = (byte[])image.Pixels.Clone();
        for (int i = 0; i < result.Length; i++)
            if (random.NextDouble() < c) result[i] = random.NextDouble() < 0.5 ? (byte)255 : (byte)0;
        return new RgbImage(image.Width, image.Height, result);
    }
}
