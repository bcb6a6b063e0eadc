using DesertSeg.Lab.Data.Augmentation;
using OpenCvSharp;

namespace DesertSeg.Lab.Tests.Data.Augmentation;

/// <summary>
/// A synthetic scene whose colours encode its mask: blocks of classes, each class painted with a corner of the RGB
/// cube (so colours stay far apart after interpolation). Decoding a pixel's colour gives back its class.
/// </summary>
internal static class ColorCodedScene
{
    public static readonly Vec3b[] Palette =
    [
        new(0, 0, 0), new(255, 0, 0), new(0, 255, 0), new(0, 0, 255),
        new(255, 255, 0), new(255, 0, 255), new(0, 255, 255), new(255, 255, 255),
    ];

    /// <summary>Block classes follow a pattern that is not mirror-symmetric, so a flip of the image alone would show.</summary>
    public static (Mat Image, Mat Mask) Create(int width, int height, int block)
    {
        var colours = new Vec3b[width * height];
        var classes = new byte[width * height];
        for (int y = 0; y < height; y++)
        for (int x = 0; x < width; x++)
        {
            int k = (x / block * 3 + y / block * 5 + x / block * (y / block)) % Palette.Length;
            colours[y * width + x] = Palette[k];
            classes[y * width + x] = (byte)k;
        }
        var image = new Mat(height, width, MatType.CV_8UC3);
        var mask = new Mat(height, width, MatType.CV_8UC1);
        image.SetArray(colours);
        mask.SetArray(classes);
        return (image, mask);
    }

    public static int Decode(Vec3b colour)
    {
        int best = 0, bestDistance = int.MaxValue;
        for (int k = 0; k < Palette.Length; k++)
        {
            int dr = colour.Item0 - Palette[k].Item0, dg = colour.Item1 - Palette[k].Item1, db = colour.Item2 - Palette[k].Item2;
            int d = dr * dr + dg * dg + db * db;
            if (d < bestDistance) { bestDistance = d; best = k; }
        }
        return best;
    }

    /// <summary>
    /// Pixels whose (2r+1)^2 mask neighbourhood holds one class (so interpolation cannot blend classes there) and the
    /// number of them whose decoded colour differs from the mask.
    /// </summary>
    public static (int Checked, int Mismatched) Compare(Mat image, Mat mask, int radius = 2)
    {
        int rows = mask.Rows, cols = mask.Cols;
        mask.GetArray(out byte[] classes);
        image.GetArray(out Vec3b[] colours);
        int checkedPixels = 0, mismatched = 0;
        for (int y = radius; y < rows - radius; y++)
        for (int x = radius; x < cols - radius; x++)
        {
            byte k = classes[y * cols + x];
            bool uniform = true;
            for (int dy = -radius; dy <= radius && uniform; dy++)
            for (int dx = -radius; dx <= radius && uniform; dx++)
                uniform = classes[(y + dy) * cols + x + dx] == k;
            if (!uniform) continue;
            checkedPixels++;
            if (Decode(colours[y * cols + x]) != k) mismatched++;
        }
        return (checkedPixels, mismatched);
    }

    public static AugmentedSample Sample(int width, int height, int block, int outputWidth, int outputHeight)
    {
        var (image, mask) = Create(width, height, block);
        return new AugmentedSample(image, mask, new Size(outputWidth, outputHeight));
    }
}
