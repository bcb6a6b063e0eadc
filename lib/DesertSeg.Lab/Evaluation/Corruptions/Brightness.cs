using DesertSeg.Lab.Data;

namespace DesertSeg.Lab.Evaluation.Corruptions;

/// <summary>
/// ImageNet-C brightness: in HSV (skimage's rgb2hsv), V' = clip(V + c, 0, 1), back to RGB; c = 0.1, 0.2, 0.3, 0.4, 0.5.
/// Photometric, kept at any image size. With hue and saturation fixed, hsv2rgb is linear in V, so this is computed exactly
/// as RGB * V' / V (and grey V' where V = 0, where skimage's saturation is 0). Not random: the seed is ignored.
/// </summary>
public sealed class Brightness : Corruption
{
    private static readonly double[] Shift = [0.1, 0.2, 0.3, 0.4, 0.5];

    /// <inheritdoc/>
    public override string Name => "brightness";

    /// <inheritdoc/>
    public override CorruptionFamily Family => CorruptionFamily.Weather;

    /// <inheritdoc/>
    public override RgbImage Apply(RgbImage image, int severity, int seed)
    {
        double c = Shift[CorruptionPixels.Level(severity)];
        var source = image.Pixels;
        var result = new byte[source.Length];
        for (int i = 0; i < source.Length; i += 3)
        {
            double r = source[i] / 255.0, g = source[i + 1] / 255.0, b = source[i + 2] / 255.0;
            double v = Math.Max(r, Math.Max(g, b));
            double raised = Math.Min(v + c, 1.0);
            if (v <= 0)
            {
                result[i] = result[i + 1] = result[i + 2] = CorruptionPixels.ToByte((float)raised);
                continue;
            }
            double k = raised / v;
            result[i] = CorruptionPixels.ToByte((float)(r * k));
            result[i + 1] = CorruptionPixels.ToByte((float)(g * k));
            result[i + 2] = CorruptionPixels.ToByte((float)(b * k));
        }
        return new RgbImage(image.Width, image.Height, result);
    }
}
