using DesertSeg.Lab.Data;

namespace DesertSeg.Lab.Evaluation.Corruptions;

/// <summary>
/// ImageNet-C fog: x' = (x + c P) * m / (m + c), clipped, where P is a diamond-square plasma map in 0..1
/// (<see cref="PlasmaFractal"/>, wibble decay d) and m the image's maximum over all pixels and channels.
/// Published (c, d) = (1.5, 2), (2, 2), (2.5, 1.7), (2.5, 1.5), (3, 1.4); photometric, kept. The plasma map is spatial:
/// the reference crops 224 x 224 of a 256 x 256 map, here the map (at least 256, a power of two) is cropped to
/// (width, height) / (shorter side / 224) and resized to the image, so fog patches cover the same fraction of it.
/// </summary>
public sealed class Fog : Corruption
{
    private static readonly (double Strength, double Decay)[] Parameters = [(1.5, 2), (2, 2), (2.5, 1.7), (2.5, 1.5), (3, 1.4)];

    /// <inheritdoc/>
    public override string Name => "fog";

    /// <inheritdoc/>
    public override CorruptionFamily Family => CorruptionFamily.Weather;

    /// <inheritdoc/>
    public override RgbImage Apply(RgbImage image, int severity, int seed)
    {
        var (strength, decay) = Parameters[CorruptionPixels.Level(severity)];
        int width = image.Width, height = image.Height;
        float[] plasma;
        using (var field = PlasmaFractal.Field(width, height, CorruptionPixels.SpatialScale(width, height), decay, new Random(seed)))
            plasma = CorruptionPixels.ToArray(field);
        var x = CorruptionPixels.ToUnit(image);
        float max = x.Max(), c = (float)strength, factor = max / (max + c);
        for (int p = 0; p < plasma.Length; p++)
        {
            float add = c * plasma[p];
            x[3 * p] = (x[3 * p] + add) * factor;
            x[3 * p + 1] = (x[3 * p + 1] + add) * factor;
            x[3 * p + 2] = (x[3 * p + 2] + add) * factor;
        }
        return CorruptionPixels.FromUnit(x, width, height);
    }
}
