using DesertSeg.Lab.Data;
using DesertSeg.Lab.IO;

namespace DesertSeg.Lab.Tests.Data;

/// <summary>Writes small hand-made data sets in the Falcon layout for tests.</summary>
public static class FalconFixture
{
    /// <summary>A deterministic image and a mask whose classes are horizontal bands drawn from <paramref name="classes"/>.</summary>
    public static (RgbImage Image, RawMask Mask) Sample(int width, int height, int seed, params ushort[] classes)
    {
        var rng = new Random(seed);
        var image = new RgbImage(width, height);
        rng.NextBytes(image.Pixels);
        var mask = new RawMask(width, height);
        for (int y = 0; y < height; y++)
        {
            ushort value = classes[y * classes.Length / height];
            for (int x = 0; x < width; x++) mask[x, y] = value;
        }
        return (image, mask);
    }

    public static void WritePair(string splitFolder, string id, RgbImage image, RawMask? mask)
    {
        ImageFiles.WriteRgb(Path.Combine(splitFolder, FalconLayout.Images, id + ".png"), image);
        if (mask is not null) MaskFiles.WriteRaw(Path.Combine(splitFolder, FalconLayout.Masks, id + ".png"), mask);
    }

    public static string TrainFolder(string root) => Path.Combine(root, FalconLayout.TrainingRoot, FalconLayout.Train);
    public static string ValFolder(string root) => Path.Combine(root, FalconLayout.TrainingRoot, FalconLayout.Val);
    public static string TestFolder(string root) => Path.Combine(root, FalconLayout.TestRoot);

    /// <summary>A tiny complete data set: train has clutter and rocks, test has no clutter, flowers or logs.</summary>
    public static void WriteSmall(string root)
    {
        for (int i = 0; i < 3; i++)
        {
            var (img, mask) = Sample(16, 9, i, 10000, 7100, 300, 550, 800, 600, 700, 100, 200);
            WritePair(TrainFolder(root), $"cc{i:D7}", img, mask);
        }
        var (vImg, vMask) = Sample(16, 9, 10, 10000, 7100, 300);
        WritePair(ValFolder(root), "mt0000001", vImg, vMask);
        for (int i = 0; i < 2; i++)
        {
            var (img, mask) = Sample(16, 9, 20 + i, 10000, 7100, 800, 800, 500);
            WritePair(TestFolder(root), $"{60 + i:D7}", img, mask);
        }
    }
}
