using DesertSeg.Lab.Data;

namespace DesertSeg.Lab.Evaluation.Corruptions;

/// <summary>
/// ImageNet-C contrast: (x - mean) * c + mean on 0..1 values, the mean taken per channel over the whole image, clipped;
/// c = 0.4, 0.3, 0.2, 0.1, 0.05. Photometric, kept at any image size. Not random: the seed is ignored.
/// </summary>
public sealed class Contrast : Corruption
{
    private static readonly double[] Factor = [0.4, 0.3, 0.2, 0.1, 0.05];

    /// <inheritdoc/>
    public override string Name => "contrast";

    /// <inheritdoc/>
    public override CorruptionFamily Family => CorruptionFamily.Digital;

    /// <inheritdoc/>
    public override RgbImage Apply(RgbImage image, int severity, int seed)
    {
        double c = Factor[CorruptionPixels.Level(severity)];
        var source = image.Pixels;
        Span<double> mean = stackalloc double[3];
        for (int i = 0; i < source.Length; i++) mean[i % 3] += source[i];
        int n = image.Width * image.Height;
        for (int k = 0; k < 3; k++) mean[k] /= 255.0 * n;
        var result = new byte[source.Length];
        for (int i = 0; i < source.Length; i++)
        {
            double m = mean[i % 3];
            result[i] = CorruptionPixels.ToByte((float)((source[i] / 255.0 - m) * c + m));
        }
        return new RgbImage(image.Width, image.Height, result);
    }
}
