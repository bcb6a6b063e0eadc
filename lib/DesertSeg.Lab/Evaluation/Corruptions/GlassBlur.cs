using DesertSeg.Lab.Data;
using OpenCvSharp;

namespace DesertSeg.Lab.Evaluation.Corruptions;

/// <summary>
/// ImageNet-C glass_blur: Gaussian blur (sigma s, skimage's 'nearest' border, truncated to bytes), then for each of n
/// iterations every pixel (h, w), visited from the bottom-right corner back to the top-left and staying d pixels from the
/// border, swaps with (h + dy, w + dx), dx and dy drawn uniformly from the integers in [-d, d) (numpy randint's half-open
/// range, as in the reference: the shuffle drifts up and left); then the same Gaussian blur again.
/// Published (s, d, n) = (0.7, 1, 2), (0.9, 2, 1), (1, 2, 3), (1.1, 3, 2), (1.5, 4, 2) for 224 x 224: s and d are spatial
/// and are scaled by (shorter side / 224), d rounded to a whole pixel and at least 1; n is kept.
/// </summary>
public sealed class GlassBlur : Corruption
{
    private static readonly (double Sigma, int Delta, int Iterations)[] Parameters =
        [(0.7, 1, 2), (0.9, 2, 1), (1, 2, 3), (1.1, 3, 2), (1.5, 4, 2)];

    /// <inheritdoc/>
    public override string Name => "glass_blur";

    /// <inheritdoc/>
    public override CorruptionFamily Family => CorruptionFamily.Blur;

    /// <inheritdoc/>
    public override RgbImage Apply(RgbImage image, int severity, int seed)
    {
        var (sigma, delta, iterations) = Parameters[CorruptionPixels.Level(severity)];
        double scale = CorruptionPixels.SpatialScale(image.Width, image.Height);
        sigma *= scale;
        int d = Math.Max(1, (int)Math.Round(delta * scale));
        int width = image.Width, height = image.Height;

        byte[] pixels;
        using (var source = CorruptionPixels.ToMat(CorruptionPixels.ToUnit(image), width, height, 3))
        using (var blurred = CorruptionPixels.Gaussian(source, sigma, 4.0, BorderTypes.Replicate))
        {
            var values = CorruptionPixels.ToArray(blurred);
            pixels = new byte[values.Length];
            for (int i = 0; i < values.Length; i++) pixels[i] = (byte)Math.Clamp(values[i] * 255f, 0f, 255f); // np.uint8 truncates
        }

        Shuffle(pixels, width, height, d, iterations, new Random(seed));

        var unit = new float[pixels.Length];
        for (int i = 0; i < unit.Length; i++) unit[i] = pixels[i] / 255f;
        using var shuffled = CorruptionPixels.ToMat(unit, width, height, 3);
        using var result = CorruptionPixels.Gaussian(shuffled, sigma, 4.0, BorderTypes.Replicate);
        return CorruptionPixels.FromUnit(CorruptionPixels.ToArray(result), width, height);
    }

    private static void Shuffle(byte[] pixels, int width, int height, int d, int iterations, Random random)
    {
        for (int it = 0; it < iterations; it++)
            for (int h = height - d; h > d; h--)
                for (int w = width - d; w > d; w--)
                {
                    int dx = random.Next(-d, d), dy = random.Next(-d, d);
                    int a = (h * width + w) * 3, b = ((h + dy) * width + w + dx) * 3;
                    (pixels[a], pixels[b]) = (pixels[b], pixels[a]);
                    (pixels[a + 1], pixels[b + 1]) = (pixels[b + 1], pixels[a + 1]);
                    (pixels[a + 2], pixels[b + 2]) = (pixels[b + 2], pixels[a + 2]);
                }
    }
}
