namespace DesertSeg.Lab.IO;

/// <summary>
/// What an image file's header says before any pixel is decoded: its size, and for PNG its bit depth and colour type. It
/// lets a reader refuse an image that would not fit in memory, or a mask passed as a photo, before allocating for it.
/// </summary>
public sealed record ImageHeader(string Format, int Width, int Height, int? BitDepth = null, int? PngColourType = null)
{
    /// <summary>The largest image the workspace decodes: 100 megapixels (a 960x540 Falcon frame is 0.5).</summary>
    public const long MaxPixels = 100_000_000;

    public long Pixels => (long)Width * Height;

    /// <summary>A 16-bit single-channel PNG: the format of a Falcon mask.</summary>
    public bool LooksLikeMask => Format == "PNG" && BitDepth == 16 && PngColourType == 0;

    /// <summary>The header of a PNG or JPEG file's bytes, or null for anything else (or a header cut short).</summary>
    public static ImageHeader? Read(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length >= 26 && bytes[..8].SequenceEqual(PngSignature))
            return new ImageHeader("PNG", BigEndian32(bytes[16..]), BigEndian32(bytes[20..]), bytes[24], bytes[25]);
        if (bytes.Length >= 4 && bytes[0] == 0xFF && bytes[1] == 0xD8) return Jpeg(bytes);
        return null;
    }

    private static readonly byte[] PngSignature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    private static int BigEndian32(ReadOnlySpan<byte> b) => (b[0] << 24) | (b[1] << 16) | (b[2] << 8) | b[3];

    /// <summary>Walks the JPEG markers to the first start-of-frame (SOF0-SOF15 except DHT, JPG and DAC), which holds the size.</summary>
    private static ImageHeader? Jpeg(ReadOnlySpan<byte> bytes)
    {
        int at = 2;
        while (at + 9 < bytes.Length)
        {
            if (bytes[at] != 0xFF) return null;
            byte marker = bytes[at + 1];
            if (marker == 0xFF) { at++; continue; }
            int length = (bytes[at + 2] << 8) | bytes[at + 3];
            if (marker is >= 0xC0 and <= 0xCF and not (0xC4 or 0xC8 or 0xCC))
                return new ImageHeader("JPEG", (bytes[at + 7] << 8) | bytes[at + 8], (bytes[at + 5] << 8) | bytes[at + 6], bytes[at + 4]);
            if (length < 2) return null;
            at += 2 + length;
        }
        return null;
    }
}
