using DesertSeg.Lab.Data;
using OpenCvSharp;

namespace DesertSeg.Lab.Evaluation.Corruptions;

/// <summary>
/// ImageNet-C zoom_blur: the mean of the image and its centre zooms (<see cref="ClippedZoom"/>, bilinear) by each factor
/// of numpy's arange(1, 1.11, 0.01), arange(1, 1.16, 0.01), arange(1, 1.21, 0.02), arange(1, 1.26, 0.02),
/// arange(1, 1.31, 0.03); as numpy evaluates them these are 1.00..1.11 (12 factors, the float end point included),
/// 1.00..1.15 (16), 1.00..1.20 (11), 1.00..1.24 (13) and 1.00..1.30 (11). Zoom factors are relative, so they are kept
/// as published at any image size. Not random: the seed is ignored.
/// </summary>
public sealed class ZoomBlur : Corruption
{
    private static readonly double[][] Factors =
    [
        Steps(0.01, 12), Steps(0.01, 16), Steps(0.02, 11), Steps(0.02, 13), Steps(0.03, 11),
    ];

    /// <inheritdoc/>
    public override string Name => "zoom_blur";

    /// <inheritdoc/>
    public override CorruptionFamily Family => CorruptionFamily.Blur;

    /// <inheritdoc/>
    public override RgbImage Apply(RgbImage image, int severity, int seed)
    {
        var factors = Factors[CorruptionPixels.Level(severity)];
        using var source = CorruptionPixels.ToMat(CorruptionPixels.ToUnit(image), image.Width, image.Height, 3);
        using var sum = source.Clone();
        foreach (double factor in factors)
        {
            using var zoomed = ClippedZoom.Apply(source, factor);
            Cv2.Add(sum, zoomed, sum);
        }
        using var mean = new Mat();
        sum.ConvertTo(mean, MatType.CV_32FC3, 1.0 / (factors.Length + 1));
        return CorruptionPixels.FromUnit(CorruptionPixels.ToArray(mean), image.Width, image.Height);
    }

    private static double[] Steps(double step, int count) => Enumerable.Range(0, count).Select(i => 1 + i * step).ToArray();
}
