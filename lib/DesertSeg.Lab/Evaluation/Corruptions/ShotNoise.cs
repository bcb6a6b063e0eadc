using DesertSeg.Lab.Data;

namespace DesertSeg.Lab.Evaluation.Corruptions;

/// <summary>
/// ImageNet-C shot_noise: Poisson(x * c) / c on 0..1 values, independently per pixel and channel, clipped;
/// c = 60, 25, 12, 5, 3 (fewer photons, more noise). Photometric, so the parameters are as published at any image size.
/// Differs from the reference only in rounding to bytes (the reference truncates when it saves).
/// </summary>
public sealed class ShotNoise : Corruption
{
    private static readonly double[] Photons = [60, 25, 12, 5, 3];
    private static readonly Lazy<PoissonTables>[] Tables =
        Photons.Select(c => new Lazy<PoissonTables>(() => new PoissonTables(c))).ToArray();

    /// <inheritdoc/>
    public override string Name => "shot_noise";

    /// <inheritdoc/>
    public override CorruptionFamily Family => CorruptionFamily.Noise;

    /// <inheritdoc/>
    public override RgbImage Apply(RgbImage image, int severity, int seed)
    {
        int level = CorruptionPixels.Level(severity);
        double c = Photons[level];
        var tables = Tables[level].Value;
        var random = new Random(seed);
        var source = image.Pixels;
        var result = new byte[source.Length];
        for (int i = 0; i < source.Length; i++)
            result[i] = CorruptionPixels.ToByte((float)(tables.Sample(source[i], random.NextDouble()) / c));
        return new RgbImage(image.Width, image.Height, result);
    }
}
