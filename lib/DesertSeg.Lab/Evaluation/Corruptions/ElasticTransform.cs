using DesertSeg.Lab.Data;
using OpenCvSharp;

namespace DesertSeg.Lab.Evaluation.Corruptions;

/// <summary>
/// ImageNet-C elastic_transform. A random affine warp (three anchor points, the centre +- a third of the shorter side, each
/// coordinate moved by U(-k, k); OpenCV warpAffine, bilinear, reflect-101 border), then a smooth random displacement:
/// dx, dy = alpha * gaussian_filter(U(-1, 1) noise, sigma, truncate 3, 'reflect'), the warped image sampled bilinearly at
/// (x + dx, y + dy) with a reflecting border. Published (alpha, sigma, k) = 244 x (2, 0.7, 0.1), (2, 0.08, 0.2),
/// (0.05, 0.01, 0.02), (0.07, 0.01, 0.02), (0.12, 0.01, 0.02) for 224 x 224 (the reference's own comment: 244 should have
/// been 224). All three are spatial and scaled by s = shorter side / 224: sigma and k by s, and alpha by s^2, because the
/// displacement of a Gaussian-smoothed white noise field is proportional to alpha / sigma, so it then grows by s pixels as
/// the others do. Not monotone in severity, as in the reference: severities 1 and 2 carry the large affine warps.
/// <see cref="ApplyToMask"/> replays the same draws and moves the mask by the same two warps with nearest-neighbour sampling.
/// Deviations: the anchor centre is (width / 2, height / 2) (the reference swaps the axes, harmless for its square images);
/// for sigma above 8 pixels the noise is drawn and smoothed on a grid coarser by f = floor(sigma / 4), with amplitude 1 / f
/// so that the field keeps the same variance, and resized bilinearly (a full-size filter would need kernels thousands of
/// pixels wide at severity 1).
/// </summary>
public sealed class ElasticTransform : Corruption
{
    private static readonly (double Alpha, double Sigma, double Affine)[] Parameters =
    [
        (244 * 2.0, 244 * 0.7, 244 * 0.1),
        (244 * 2.0, 244 * 0.08, 244 * 0.2),
        (244 * 0.05, 244 * 0.01, 244 * 0.02),
        (244 * 0.07, 244 * 0.01, 244 * 0.02),
        (244 * 0.12, 244 * 0.01, 244 * 0.02),
    ];

    /// <inheritdoc/>
    public override string Name => "elastic_transform";

    /// <inheritdoc/>
    public override CorruptionFamily Family => CorruptionFamily.Digital;

    /// <inheritdoc/>
    public override RgbImage Apply(RgbImage image, int severity, int seed)
    {
        var (affine, mapX, mapY) = Displacement(image.Width, image.Height, severity, seed);
        using (affine) using (mapX) using (mapY)
        using (var source = CorruptionPixels.ToMat(CorruptionPixels.ToUnit(image), image.Width, image.Height, 3))
        using (var warped = new Mat())
        using (var moved = new Mat())
        {
            Cv2.WarpAffine(source, warped, affine, source.Size(), InterpolationFlags.Linear, BorderTypes.Reflect101);
            Cv2.Remap(warped, moved, mapX, mapY, InterpolationFlags.Linear, BorderTypes.Reflect);
            return CorruptionPixels.FromUnit(CorruptionPixels.ToArray(moved), image.Width, image.Height);
        }
    }

    /// <summary>
    /// The mask moved by the same affine warp and displacement as <see cref="Apply"/> with that severity and seed, sampled
    /// nearest-neighbour (so every value is one of the mask's own classes).
    /// </summary>
    public override RawMask ApplyToMask(RawMask mask, int severity, int seed)
    {
        var (affine, mapX, mapY) = Displacement(mask.Width, mask.Height, severity, seed);
        using (affine) using (mapX) using (mapY)
        using (var source = new Mat(mask.Height, mask.Width, MatType.CV_16UC1))
        using (var warped = new Mat())
        using (var moved = new Mat())
        {
            source.SetArray(mask.Values);
            Cv2.WarpAffine(source, warped, affine, source.Size(), InterpolationFlags.Nearest, BorderTypes.Reflect101);
            Cv2.Remap(warped, moved, mapX, mapY, InterpolationFlags.Nearest, BorderTypes.Reflect);
            moved.GetArray(out ushort[] values);
            return new RawMask(mask.Width, mask.Height, values);
        }
    }

    /// <summary>The affine matrix and the sampling maps (x + dx, y + dy), all drawn from the seed in a fixed order.</summary>
    private static (Mat Affine, Mat MapX, Mat MapY) Displacement(int width, int height, int severity, int seed)
    {
        var c = Parameters[CorruptionPixels.Level(severity)];
        double s = CorruptionPixels.SpatialScale(width, height);
        double alpha = c.Alpha * s * s, sigma = c.Sigma * s, shift = c.Affine * s;
        var random = new Random(seed);

        float cx = width / 2, cy = height / 2, half = Math.Min(width, height) / 3;
        Point2f[] from = [new(cx + half, cy + half), new(cx + half, cy - half), new(cx - half, cy - half)];
        var to = from.Select(p => new Point2f(
            p.X + (float)(shift * (2 * random.NextDouble() - 1)), p.Y + (float)(shift * (2 * random.NextDouble() - 1)))).ToArray();
        var affine = Cv2.GetAffineTransform(from, to);

        var dx = SmoothNoise(width, height, sigma, random);
        var dy = SmoothNoise(width, height, sigma, random);
        var mapX = new float[width * height];
        var mapY = new float[width * height];
        for (int y = 0, i = 0; y < height; y++)
            for (int x = 0; x < width; x++, i++)
            {
                mapX[i] = x + (float)(alpha * dx[i]);
                mapY[i] = y + (float)(alpha * dy[i]);
            }
        return (affine, CorruptionPixels.ToMat(mapX, width, height, 1), CorruptionPixels.ToMat(mapY, width, height, 1));
    }

    /// <summary>
    /// gaussian_filter(U(-1, 1), sigma, mode 'reflect', truncate 3) at width x height; for sigma over 8 drawn on a grid
    /// coarser by f with noise U(-1, 1) / f (same field variance, as the smoothed variance goes with 1 / sigma^2 per sample).
    /// </summary>
    private static float[] SmoothNoise(int width, int height, double sigma, Random random)
    {
        int f = sigma > 8 ? (int)(sigma / 4) : 1;
        int w = (width + f - 1) / f, h = (height + f - 1) / f;
        var noise = new float[w * h];
        for (int i = 0; i < noise.Length; i++) noise[i] = (float)((2 * random.NextDouble() - 1) / f);
        using var mat = CorruptionPixels.ToMat(noise, w, h, 1);
        using var smooth = CorruptionPixels.Gaussian(mat, sigma / f, 3.0, BorderTypes.Reflect);
        if (f == 1) return CorruptionPixels.ToArray(smooth);
        using var large = new Mat();
        Cv2.Resize(smooth, large, new Size(w * f, h * f), 0, 0, InterpolationFlags.Linear);
        using var cropped = new Mat(large, new Rect(0, 0, width, height));
        return CorruptionPixels.ToArray(cropped);
    }
}
