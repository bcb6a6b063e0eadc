using DesertSeg.Lab.IO;
using OpenCvSharp;

namespace DesertSeg.Lab.Data.Augmentation;

/// <summary>Per-channel 256-entry look-up tables, applied in one pass by OpenCV.</summary>
internal static class ColorLookUp
{
    /// <summary>Maps each channel of an 8-bit three-channel image through its own table, in place.</summary>
    public static void Apply(Mat image, byte[] first, byte[] second, byte[] third)
    {
        var interleaved = new byte[3 * 256];
        for (int v = 0; v < 256; v++)
        {
            interleaved[3 * v] = first[v];
            interleaved[3 * v + 1] = second[v];
            interleaved[3 * v + 2] = third[v];
        }
        using var table = ImageFiles.FromBytes(interleaved, 256, 1, MatType.CV_8UC3);
        Cv2.LUT(image, table, image);
    }

    /// <summary>OpenCV's 8-bit hue (0..179) turned by <paramref name="shift"/> hue units, wrapping like numpy's mod.</summary>
    public static byte[] HueRotation(double shift)
    {
        var table = new byte[256];
        for (int v = 0; v < 256; v++)
        {
            double h = (v + shift) % 180.0;
            if (h < 0) h += 180.0;
            table[v] = (byte)h; // numpy astype(uint8) truncates
        }
        return table;
    }

    /// <summary>Adds a constant with saturation at 0 and 255.</summary>
    public static byte[] Shift(double amount)
    {
        var table = new byte[256];
        for (int v = 0; v < 256; v++) table[v] = (byte)Math.Clamp(Math.Round(v + amount), 0, 255);
        return table;
    }

    public static byte[] Identity()
    {
        var table = new byte[256];
        for (int v = 0; v < 256; v++) table[v] = (byte)v;
        return table;
    }
}
