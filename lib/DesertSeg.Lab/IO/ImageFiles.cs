using System.Runtime.InteropServices;
using DesertSeg.Lab.Data;
using OpenCvSharp;

namespace DesertSeg.Lab.IO;

/// <summary>Reads and writes colour images (PNG or JPEG) through OpenCV, converting to and from RGB order.</summary>
public static class ImageFiles
{
    /// <summary>File extensions accepted as images, as the original accepted them.</summary>
    public static readonly string[] Extensions = [".png", ".jpg", ".jpeg"];

    public static bool IsImageFile(string path) =>
        Extensions.Contains(Path.GetExtension(path), StringComparer.OrdinalIgnoreCase);

    /// <summary>Reads an image as 8-bit RGB; a missing or undecodable file raises <see cref="DataFormatException"/>.</summary>
    public static RgbImage ReadRgb(string path)
    {
        using var bgr = ReadMat(path, ImreadModes.Color);
        using var rgb = new Mat();
        Cv2.CvtColor(bgr, rgb, ColorConversionCodes.BGR2RGB);
        return new RgbImage(rgb.Width, rgb.Height, ToBytes(rgb));
    }

    /// <summary>Writes an RGB image; the format follows the extension. Written atomically.</summary>
    public static void WriteRgb(string path, RgbImage image)
    {
        using var rgb = FromBytes(image.Pixels, image.Width, image.Height, MatType.CV_8UC3);
        using var bgr = new Mat();
        Cv2.CvtColor(rgb, bgr, ColorConversionCodes.RGB2BGR);
        WriteMat(path, bgr);
    }

    /// <summary>Reads the width and height of an image from its header, without decoding pixels.</summary>
    public static (int Width, int Height) ReadSize(string path)
    {
        // PNG: the IHDR chunk sits at a fixed place. Anything else is decoded.
        using (var stream = OpenForRead(path))
        {
            Span<byte> header = stackalloc byte[24];
            if (stream.Read(header) == 24 && header[..8].SequenceEqual(PngSignature))
            {
                int w = (header[16] << 24) | (header[17] << 16) | (header[18] << 8) | header[19];
                int h = (header[20] << 24) | (header[21] << 16) | (header[22] << 8) | header[23];
                return (w, h);
            }
        }
        using var mat = ReadMat(path, ImreadModes.Unchanged);
        return (mat.Width, mat.Height);
    }

    private static readonly byte[] PngSignature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    internal static FileStream OpenForRead(string path)
    {
        if (!File.Exists(path)) throw new DataFormatException(path, "file not found.");
        return File.OpenRead(path);
    }

    /// <summary>Decodes a file; turns every way that can fail into a message naming the file.</summary>
    internal static Mat ReadMat(string path, ImreadModes mode)
    {
        if (!File.Exists(path)) throw new DataFormatException(path, "file not found.");
        Mat mat;
        try
        {
            // Decoding from bytes (not Cv2.ImRead) keeps non-ASCII paths working on Windows too.
            mat = Cv2.ImDecode(File.ReadAllBytes(path), mode);
        }
        catch (Exception e) when (e is OpenCVException or IOException or UnauthorizedAccessException)
        {
            throw new DataFormatException(path, $"cannot be read as an image ({e.Message}).", e);
        }
        if (mat.Empty())
        {
            mat.Dispose();
            long size = new FileInfo(path).Length;
            throw new DataFormatException(path,
                size == 0 ? "the file is empty." : $"cannot be decoded as an image ({size} bytes; corrupt or not a PNG/JPEG).");
        }
        return mat;
    }

    internal static void WriteMat(string path, Mat mat)
    {
        string ext = Path.GetExtension(path);
        if (string.IsNullOrEmpty(ext)) throw new ArgumentException($"{path}: no file extension to choose the format by.");
        if (!Cv2.ImEncode(ext, mat, out byte[] encoded))
            throw new DataFormatException(path, $"OpenCV could not encode a {mat.Type()} image as {ext}.");
        AtomicFile.WriteAllBytes(path, encoded);
    }

    internal static byte[] ToBytes(Mat mat)
    {
        var bytes = new byte[mat.Rows * mat.Cols * mat.ElemSize()];
        using var continuous = mat.IsContinuous() ? null : mat.Clone();
        Marshal.Copy((continuous ?? mat).Data, bytes, 0, bytes.Length);
        return bytes;
    }

    internal static Mat FromBytes(byte[] bytes, int width, int height, MatType type)
    {
        var mat = new Mat(height, width, type);
        Marshal.Copy(bytes, 0, mat.Data, bytes.Length);
        return mat;
    }
}
