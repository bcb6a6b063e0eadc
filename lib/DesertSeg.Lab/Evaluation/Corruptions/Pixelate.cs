using DesertSeg.Lab.Data;
using OpenCvSharp;

namespace DesertSeg.Lab.Evaluation.Corruptions;

/// <summary>
/// ImageNet-C pixelate: PIL box-filter resize to (int(width * c), int(height * c)) and back; c = 0.6, 0.5, 0.4, 0.3,
/// 0.25. A relative factor, kept as published at any image size. The shrink is OpenCV's area interpolation (PIL's BOX
/// average with fractional coverage); the enlargement is PIL's BOX for upscaling, i.e. each output pixel copies the
/// small-image pixel under its centre (done by hand: OpenCvSharp has no INTER_NEAREST_EXACT). Not random: the seed is ignored.
/// </summary>
public sealed class Pixelate : Corruption
{
    private static readonly double[] Factor = [0.6, 0.5, 0.4, 0.3, 0.25];

    /// <inheritdoc/>
    public override string Name => "pixelate";

    /// <inheritdoc/>
    public override CorruptionFamily Family => CorruptionFamily.Digital;

    /// <inheritdoc/>
    public override RgbImage Apply(RgbImage image, int severity, int seed)
    {
        double c = Factor[CorruptionPixels.Level(severity)];
        int width = image.Width, height = image.Height;
        int smallWidth = Math.Max(1, (int)(width * c)), smallHeight = Math.Max(1, (int)(height * c));
        byte[] small;
        using (var source = CorruptionPixels.ToMat(image.Pixels, width, height, 3))
        using (var shrunk = new Mat())
        {
            Cv2.Resize(source, shrunk, new Size(smallWidth, smallHeight), 0, 0, InterpolationFlags.Area);
            small = CorruptionPixels.ToBytes(shrunk);
        }
        var columns = CentreSources(width, smallWidth);
        var rows = CentreSources(height, smallHeight);
        var result = new byte[width * height * 3];
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
            {
                int s = (rows[y] * smallWidth + columns[x]) * 3, d = (y * width + x) * 3;
                result[d] = small[s];
                result[d + 1] = small[s + 1];
                result[d + 2] = small[s + 2];
            }
        return new RgbImage(width, height, result);
    }

    /// <summary>
    /// For each of <paramref name="size"/> output pixels, the one source pixel PIL's BOX upscaling gives weight: the j with
    /// centre - 1 &lt;= j &lt; centre, centre = (i + 0.5) * sourceSize / size, i.e. j = ceil(centre) - 1.
    /// </summary>
    private static int[] CentreSources(int size, int sourceSize)
    {
        var sources = new int[size];
        for (int i = 0; i < size; i++)
        {
            double centre = (i + 0.5) * sourceSize / size;
            sources[i] = Math.Clamp((int)Math.Ceiling(centre) - 1, 0, sourceSize - 1);
        }
        return sources;
    }
}
