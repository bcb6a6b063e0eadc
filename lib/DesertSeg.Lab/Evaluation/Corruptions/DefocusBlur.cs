using DesertSeg.Lab.Data;
using OpenCvSharp;

namespace DesertSeg.Lab.Evaluation.Corruptions;

/// <summary>
/// ImageNet-C defocus_blur: convolution (OpenCV filter2D, reflect-101 border) with a normalised disk of radius r whose
/// edge is anti-aliased by a Gaussian of sigma a (3 x 3 kernel while r &lt;= 8, else 5 x 5, as the reference's disk()).
/// Published (r, a) = (3, 0.1), (4, 0.5), (6, 0.5), (8, 0.5), (10, 0.5) for 224 x 224; both are spatial and are scaled
/// by (shorter side / 224). With a non-integer scaled r the disk is the integer grid points within r of the centre (the
/// reference only meets integer radii). Deviation: the kernel's grid reaches at least ceil(r) plus the anti-aliasing
/// kernel's half-width (the reference's reaches max(8, r)), so that the anti-aliasing blur, whose border reflects, does not
/// fold disk weight back in at the grid edge: that makes the reference's r = 10 kernel sum to about 1.01 (the image
/// brightens by about 1%), and would brighten scaled radii just above 8 by up to 4%.
/// Not random: the seed is ignored.
/// </summary>
public sealed class DefocusBlur : Corruption
{
    private static readonly (double Radius, double Alias)[] Parameters = [(3, 0.1), (4, 0.5), (6, 0.5), (8, 0.5), (10, 0.5)];

    /// <inheritdoc/>
    public override string Name => "defocus_blur";

    /// <inheritdoc/>
    public override CorruptionFamily Family => CorruptionFamily.Blur;

    /// <inheritdoc/>
    public override RgbImage Apply(RgbImage image, int severity, int seed)
    {
        var (radius, alias) = Parameters[CorruptionPixels.Level(severity)];
        double scale = CorruptionPixels.SpatialScale(image.Width, image.Height);
        using var kernel = Disk(radius * scale, alias * scale);
        using var source = CorruptionPixels.ToMat(CorruptionPixels.ToUnit(image), image.Width, image.Height, 3);
        using var blurred = new Mat();
        Cv2.Filter2D(source, blurred, MatType.CV_32F, kernel, new Point(-1, -1), 0, BorderTypes.Reflect101);
        return CorruptionPixels.FromUnit(CorruptionPixels.ToArray(blurred), image.Width, image.Height);
    }

    /// <summary>
    /// The reference's disk(): an aliased disk normalised to sum 1, then Gaussian-blurred (3 x 3 while r &lt;= 8, else 5 x 5)
    /// to soften its edge, on a grid with room for that blur.
    /// </summary>
    internal static Mat Disk(double radius, double aliasSigma)
    {
        int smoothing = radius <= 8 ? 3 : 5;
        int half = Math.Max(8, (int)Math.Ceiling(radius) + smoothing / 2);
        int side = 2 * half + 1;
        var values = new float[side * side];
        double r2 = radius * radius;
        int inside = 0;
        for (int y = -half; y <= half; y++)
            for (int x = -half; x <= half; x++)
                if (x * x + y * y <= r2) { values[(y + half) * side + x + half] = 1; inside++; }
        for (int i = 0; i < values.Length; i++) values[i] /= Math.Max(inside, 1);
        using var aliased = CorruptionPixels.ToMat(values, side, side, 1);
        var disk = new Mat();
        Cv2.GaussianBlur(aliased, disk, new Size(smoothing, smoothing), aliasSigma, aliasSigma, BorderTypes.Reflect101);
        return disk;
    }
}
