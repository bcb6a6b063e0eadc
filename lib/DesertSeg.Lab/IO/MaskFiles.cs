using System.Runtime.InteropServices;
using DesertSeg.Lab.Data;
using OpenCvSharp;

namespace DesertSeg.Lab.IO;

/// <summary>
/// Reads and writes Falcon masks so that they can never be silently truncated: masks are 16-bit PNGs
/// read unchanged; an 8-bit "mask" of this data set is a corrupted one and is refused.
/// </summary>
public static class MaskFiles
{
    /// <summary>Reads a raw-valued 16-bit mask. Three- or four-channel masks use channel 0 (as OpenCV orders them).</summary>
    public static RawMask ReadRaw(string path)
    {
        using var mat = ImageFiles.ReadMat(path, ImreadModes.Unchanged);
        return FromMat(path, mat);
    }

    /// <summary>A short description of a decoded mask's format, e.g. "16-bit, 1 channel".</summary>
    internal static string FormatOf(Mat mat)
    {
        var depth = mat.Depth();
        string bits = depth == MatType.CV_8U ? "8-bit" : depth == MatType.CV_16U ? "16-bit" : mat.Type().ToString();
        int channels = mat.Channels();
        return $"{bits}, {channels} channel{(channels == 1 ? "" : "s")}";
    }

    /// <summary>Checks a decoded mask and takes its class values; <paramref name="path"/> names it in errors.</summary>
    internal static RawMask FromMat(string path, Mat mat)
    {
        var depth = mat.Depth();
        if (depth == MatType.CV_8U)
            throw new DataFormatException(path,
                "8-bit mask. Falcon masks are 16-bit PNGs of raw class values (100..10000); an 8-bit copy has " +
                "lost them (10000 becomes 39 or 16). Use the original mask files.");
        if (depth != MatType.CV_16U)
            throw new DataFormatException(path, $"unsupported mask pixel type {mat.Type()}; expected 16-bit unsigned.");

        int channels = mat.Channels();
        if (channels == 1) return new RawMask(mat.Width, mat.Height, ToUShorts(mat));
        if (channels is 3 or 4)
        {
            using var first = mat.ExtractChannel(0);
            return new RawMask(mat.Width, mat.Height, ToUShorts(first));
        }
        throw new DataFormatException(path, $"mask has {channels} channels; expected 1 (or 3 with the class in channel 0).");
    }

    /// <summary>Writes a raw-valued mask as a single-channel 16-bit PNG (the ground-truth format), atomically.</summary>
    public static void WriteRaw(string path, RawMask mask)
    {
        using var mat = new Mat(mask.Height, mask.Width, MatType.CV_16UC1);
        CopyTo(mask.Values, mat);
        ImageFiles.WriteMat(path, mat);
    }

    /// <summary>Writes raw class values as a colour PNG with the class palette; unknown values are black.</summary>
    public static void WriteColor(string path, RawMask mask) => ImageFiles.WriteRgb(path, Colorize(mask));

    /// <summary>Colours a raw mask with the class palette; values no class uses become black.</summary>
    public static RgbImage Colorize(RawMask mask)
    {
        var palette = new Rgb[FalconClass.MaxRawValue + 1];
        foreach (var c in FalconClass.All) palette[c.RawValue] = c.Color;
        var image = new RgbImage(mask.Width, mask.Height);
        var px = image.Pixels;
        var values = mask.Values;
        for (int i = 0; i < values.Length; i++)
        {
            var color = values[i] <= FalconClass.MaxRawValue ? palette[values[i]] : default;
            px[3 * i] = color.R; px[3 * i + 1] = color.G; px[3 * i + 2] = color.B;
        }
        return image;
    }

    private static ushort[] ToUShorts(Mat mat)
    {
        using var continuous = mat.IsContinuous() ? null : mat.Clone();
        var values = new ushort[mat.Rows * mat.Cols];
        var source = (continuous ?? mat).Data;
        var bytes = MemoryMarshal.AsBytes(values.AsSpan());
        unsafe
        {
            new ReadOnlySpan<byte>((void*)source, bytes.Length).CopyTo(bytes);
        }
        return values;
    }

    private static void CopyTo(ushort[] values, Mat mat)
    {
        var bytes = MemoryMarshal.AsBytes(values.AsSpan());
        unsafe
        {
            bytes.CopyTo(new Span<byte>((void*)mat.Data, bytes.Length));
        }
    }
}
