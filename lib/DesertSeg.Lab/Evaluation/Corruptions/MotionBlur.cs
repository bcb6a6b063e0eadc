using DesertSeg.Lab.Data;

namespace DesertSeg.Lab.Evaluation.Corruptions;

/// <summary>
/// ImageNet-C motion_blur: ImageMagick's motion blur (radius, sigma) at an angle drawn uniformly from [-45, 45) degrees.
/// ImageMagick is not used: <see cref="LineBlur"/> is an approximation of its MotionBlurImage (a one-sided line kernel
/// with Gaussian weights along a ray at the angle, taps at the nearest pixels, edge pixels repeated), computed in float.
/// Published (radius, sigma) = (10, 3), (15, 5), (15, 8), (15, 12), (20, 15) for 224 x 224: both are spatial and are
/// scaled by (shorter side / 224).
/// </summary>
public sealed class MotionBlur : Corruption
{
    private static readonly (double Radius, double Sigma)[] Parameters = [(10, 3), (15, 5), (15, 8), (15, 12), (20, 15)];

    /// <inheritdoc/>
    public override string Name => "motion_blur";

    /// <inheritdoc/>
    public override CorruptionFamily Family => CorruptionFamily.Blur;

    /// <inheritdoc/>
    public override RgbImage Apply(RgbImage image, int severity, int seed)
    {
        var (radius, sigma) = Parameters[CorruptionPixels.Level(severity)];
        double scale = CorruptionPixels.SpatialScale(image.Width, image.Height);
        double angle = -45 + 90 * new Random(seed).NextDouble();
        var blurred = LineBlur.Apply(CorruptionPixels.ToUnit(image), image.Width, image.Height, 3, radius * scale, sigma * scale, angle);
        return CorruptionPixels.FromUnit(blurred, image.Width, image.Height);
    }
}
