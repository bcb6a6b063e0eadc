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

    /// <summary>Reads an image as 8-bit RGB; a missing or undecodable file, or a 16-bit single-channel PNG (a mask, not a
    /// photo), raises <see cref="DataFormatException"/>.</summary>
    public static RgbImage ReadRgb(string path)
    {
        using var bgr = ReadMat(path, ImreadModes.Color, refuseMasks: true);
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
    /// <param name="refuseMasks">Refuse a 16-bit single-channel PNG (where a colour image is expected, it is a mask).</param>
    internal static Mat ReadMat(string path, ImreadModes mode, bool refuseMasks = false)
    {
        if (!File.Exists(path)) throw new DataFormatException(path, "file not found.");
        byte[] bytes;
        try { bytes = File.ReadAllBytes(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DataFormatException(path, $"cannot be read ({e.Message}).", e);
        }
        return Decode(path, bytes, mode, refuseMasks);
    }

    /// <summary>
    /// Checks, without decoding pixels, what a file's bytes say: not empty, a PNG or JPEG header of a size that can be read,
    /// not a mask where a colour image is expected. Commands that write one output per input check every input first, so
    /// that a bad file found late does not leave half an output folder.
    /// </summary>
    public static void CheckHeader(string path, bool refuseMasks = true)
    {
        if (!File.Exists(path)) throw new DataFormatException(path, "file not found.");
        byte[] bytes;
        long length;
        try
        {
            // The header is in the first bytes (a JPEG's frame header after its EXIF block, which may be long): read the
            // whole file only when the prefix does not hold it, so checking a folder does not read every image twice.
            using var stream = File.OpenRead(path);
            length = stream.Length;
            bytes = new byte[(int)Math.Min(length, HeaderPrefix)];
            stream.ReadExactly(bytes);
            if (length > bytes.Length && ImageHeader.Read(bytes) is null) bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DataFormatException(path, $"cannot be read ({e.Message}).", e);
        }
        if (bytes.Length > 0 && ImageHeader.Read(bytes) is null)
            throw new DataFormatException(path, $"is not a PNG or JPEG file ({length} bytes; its first bytes are neither signature).");
        CheckSize(path, bytes, refuseMasks);
    }

    private const int HeaderPrefix = 64 * 1024;

    private static void CheckSize(string path, byte[] bytes, bool refuseMasks)
    {
        if (bytes.Length == 0) throw new DataFormatException(path, "the file is empty (0 bytes).");
        if (ImageHeader.Read(bytes) is not { } header) return;
        if (header.Width <= 0 || header.Height <= 0)
            throw new DataFormatException(path, $"its {header.Format} header says {header.Width}x{header.Height} pixels.");
        if (header.Pixels > ImageHeader.MaxPixels)
            throw new DataFormatException(path, $"is {header.Width}x{header.Height} pixels ({header.Pixels / 1e6:F0} megapixels); " +
                $"images up to {ImageHeader.MaxPixels / 1_000_000} megapixels are read: downscale it first.");
        if (refuseMasks && header.LooksLikeMask)
            throw new DataFormatException(path, "is a 16-bit single-channel PNG, the format of a Falcon mask, where a colour " +
                "image is expected (are Color_Images and Segmentation swapped?).");
    }

    /// <summary>
    /// Decodes an image file's bytes (<paramref name="path"/> names it in errors): an empty file, a header that says zero
    /// pixels or more than <see cref="ImageHeader.MaxPixels"/> (refused before anything is allocated for the pixels), a mask
    /// where a colour image is expected, and bytes that do not decode each raise <see cref="DataFormatException"/>.
    /// </summary>
    public static Mat Decode(string path, byte[] bytes, ImreadModes mode, bool refuseMasks = false)
    {
        CheckSize(path, bytes, refuseMasks);
        Mat mat;
        try
        {
            // Decoding from bytes (not Cv2.ImRead) keeps non-ASCII paths working on Windows too.
            mat = Cv2.ImDecode(bytes, mode);
        }
        catch (Exception e) when (e is OpenCVException or ArgumentException)
        {
            throw new DataFormatException(path, $"cannot be decoded as an image ({e.Message}).", e);
        }
        if (mat.Empty())
        {
            mat.Dispose();
            throw new DataFormatException(path, $"cannot be decoded as an image ({bytes.Length} bytes; corrupt or not a PNG/JPEG).");
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

    /// <summary>An RGB image at another size: area-averaged when it shrinks (no aliasing), bilinear when it grows.</summary>
    public static RgbImage Resize(RgbImage image, int width, int height)
    {
        if (width == image.Width && height == image.Height) return image;
        using var source = FromBytes(image.Pixels, image.Width, image.Height, MatType.CV_8UC3);
        using var resized = new Mat();
        Cv2.Resize(source, resized, new Size(width, height), 0, 0,
            width < image.Width ? InterpolationFlags.Area : InterpolationFlags.Linear);
        return new RgbImage(width, height, ToBytes(resized));
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
