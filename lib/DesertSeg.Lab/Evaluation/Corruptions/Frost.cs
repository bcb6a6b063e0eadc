using DesertSeg.Lab.Data;

namespace DesertSeg.Lab.Evaluation.Corruptions;

/// <summary>
/// ImageNet-C frost: clip(a x + b F, 0, 255) on 0..255 values, F a frost texture; published (a, b) = (1, 0.4), (0.8, 0.6),
/// (0.7, 0.7), (0.65, 0.7), (0.6, 0.75), photometric and kept.
/// DEVIATION: the reference's F is a random 224 x 224 crop of one of its frost photographs (frost1..frost5), which this
/// library does not ship, so F is synthesised procedurally instead (<see cref="FrostTexture"/>: ice-crystal needles over
/// plasma cloudiness, calibrated to the photographs' mean grey, contrast and blue tint, drawn at the reference's 224-pixel
/// scale and resized, i.e. spatially scaled by shorter side / 224). The blend is the published one, but the
/// texture's look (crystal shapes, local structure) differs from the photographs, so scores are not comparable with
/// ImageNet-C's frost numbers.
/// </summary>
public sealed class Frost : Corruption
{
    private static readonly (double Image, double Frost)[] Weights = [(1, 0.4), (0.8, 0.6), (0.7, 0.7), (0.65, 0.7), (0.6, 0.75)];

    /// <inheritdoc/>
    public override string Name => "frost";

    /// <inheritdoc/>
    public override CorruptionFamily Family => CorruptionFamily.Weather;

    /// <inheritdoc/>
    public override RgbImage Apply(RgbImage image, int severity, int seed)
    {
        var (a, b) = Weights[CorruptionPixels.Level(severity)];
        var frost = FrostTexture.Create(image.Width, image.Height, CorruptionPixels.SpatialScale(image.Width, image.Height),
            new Random(seed));
        var source = image.Pixels;
        var result = new byte[source.Length];
        for (int i = 0; i < source.Length; i++)
            result[i] = CorruptionPixels.ToByte((float)((a * source[i] + b * frost[i]) / 255.0));
        return new RgbImage(image.Width, image.Height, result);
    }
}
