using System.Runtime.InteropServices;
using DesertSeg.Lab.Data;
using OpenCvSharp;

namespace DesertSeg.Lab.Evaluation.Corruptions;

/// <summary>Conversions and small filters shared by the corruptions: float32 0..1 images, OpenCV mats, scipy-style blurs.</summary>
internal static class CorruptionPixels
{
    /// <summary>The side of the square images ImageNet-C's spatial parameters were chosen for.</summary>
    public const double ReferenceSide = 224.0;

    /// <summary>The 0-based parameter row of a severity; 1..5 or an exception.</summary>
    public static int Level(int severity) =>
        severity is >= 1 and <= 5 ? severity - 1
            : throw new ArgumentOutOfRangeException(nameof(severity), severity, "Severity must be 1..5.");

    /// <summary>How much larger than ImageNet-C's 224 x 224 images this one is: shorter side / 224.</summary>
    public static double SpatialScale(int width, int height) => Math.Min(width, height) / ReferenceSide;

    /// <summary>The image as interleaved float32 RGB in 0..1.</summary>
    public static float[] ToUnit(RgbImage image)
    {
        var bytes = image.Pixels;
        var values = new float[bytes.Length];
        for (int i = 0; i < bytes.Length; i++) values[i] = bytes[i] / 255f;
        return values;
    }

    /// <summary>Interleaved RGB in 0..1 back to bytes: clipped to 0..1, times 255, rounded.</summary>
    public static RgbImage FromUnit(float[] values, int width, int height)
    {
        var bytes = new byte[values.Length];
        for (int i = 0; i < values.Length; i++) bytes[i] = ToByte(values[i]);
        return new RgbImage(width, height, bytes);
    }

    /// <summary>A 0..1 value clipped, scaled to 0..255 and rounded (NaN gives 0).</summary>
    public static byte ToByte(float unit)
    {
        float v = unit * 255f + 0.5f;
        return v >= 255f ? (byte)255 : v > 0f ? (byte)v : (byte)0;
    }

    /// <summary>A new continuous float32 mat of the given channel count holding a copy of the values.</summary>
    public static Mat ToMat(float[] values, int width, int height, int channels)
    {
        var mat = new Mat(height, width, MatType.CV_32FC(channels));
        Marshal.Copy(values, 0, mat.Data, values.Length);
        return mat;
    }

    /// <summary>The float32 values of a mat (row by row, channels interleaved).</summary>
    public static float[] ToArray(Mat mat)
    {
        using var continuous = mat.IsContinuous() ? null : mat.Clone();
        var source = continuous ?? mat;
        var values = new float[source.Rows * source.Cols * source.Channels()];
        Marshal.Copy(source.Data, values, 0, values.Length);
        return values;
    }

    /// <summary>A new 8-bit mat holding a copy of the bytes.</summary>
    public static Mat ToMat(byte[] bytes, int width, int height, int channels)
    {
        var mat = new Mat(height, width, MatType.CV_8UC(channels));
        Marshal.Copy(bytes, 0, mat.Data, bytes.Length);
        return mat;
    }

    /// <summary>The bytes of an 8-bit mat (row by row, channels interleaved).</summary>
    public static byte[] ToBytes(Mat mat)
    {
        using var continuous = mat.IsContinuous() ? null : mat.Clone();
        var source = continuous ?? mat;
        var bytes = new byte[source.Rows * source.Cols * source.Channels()];
        Marshal.Copy(source.Data, bytes, 0, bytes.Length);
        return bytes;
    }

    /// <summary>
    /// scipy.ndimage.gaussian_filter (what skimage.filters.gaussian calls) with OpenCV: the kernel reaches
    /// int(truncate * sigma + 0.5) pixels each side; <paramref name="border"/> is Replicate for scipy's 'nearest'
    /// (skimage's default) and Reflect for scipy's 'reflect'.
    /// </summary>
    public static Mat Gaussian(Mat source, double sigma, double truncate, BorderTypes border)
    {
        var result = new Mat();
        int radius = (int)(truncate * sigma + 0.5);
        if (radius < 1) { source.CopyTo(result); return result; }
        int size = 2 * radius + 1;
        Cv2.GaussianBlur(source, result, new Size(size, size), sigma, sigma, border);
        return result;
    }
}
