using OpenCvSharp;

namespace DesertSeg.Lab.Data.Augmentation;

/// <summary>
/// Per-channel normalisation to float, as albumentations Normalize: (pixel - Mean * MaxPixelValue) / (Std * MaxPixelValue),
/// written channel-first (CHW), the layout the model takes.
/// </summary>
public sealed record Normalization(IReadOnlyList<double> Mean, IReadOnlyList<double> Std, double MaxPixelValue = 255.0)
{
    /// <summary>The ImageNet statistics the pretrained ResNet-101 encoder expects (RGB order).</summary>
    public static Normalization ImageNet { get; } = new([0.485, 0.456, 0.406], [0.229, 0.224, 0.225]);

    /// <summary>Writes an 8-bit RGB image as normalised float CHW into <paramref name="chw"/> (3 * height * width values).</summary>
    public unsafe void ToChw(Mat rgb, Span<float> chw)
    {
        if (rgb.Type() != MatType.CV_8UC3) throw new ArgumentException($"Expected an 8-bit RGB image, not {rgb.Type()}.");
        if (Mean.Count != 3 || Std.Count != 3)
            throw new InvalidOperationException("Normalization needs three means and three standard deviations.");
        int plane = rgb.Width * rgb.Height;
        if (chw.Length != 3 * plane)
            throw new ArgumentException($"Destination holds {chw.Length} values; a {rgb.Width}x{rgb.Height} image needs {3 * plane}.");

        // 256 possible values per channel: a table replaces the arithmetic per pixel.
        Span<float> table = stackalloc float[3 * 256];
        for (int c = 0; c < 3; c++)
        {
            double offset = Mean[c] * MaxPixelValue, scale = Std[c] * MaxPixelValue;
            for (int v = 0; v < 256; v++) table[c * 256 + v] = (float)((v - offset) / scale);
        }
        var red = table[..256];
        var green = table.Slice(256, 256);
        var blue = table.Slice(512, 256);
        var r = chw[..plane];
        var g = chw.Slice(plane, plane);
        var b = chw.Slice(2 * plane, plane);

        using var continuous = rgb.IsContinuous() ? null : rgb.Clone();
        var pixels = new ReadOnlySpan<byte>((void*)(continuous ?? rgb).Data, 3 * plane);
        for (int i = 0, j = 0; i < plane; i++, j += 3)
        {
            r[i] = red[pixels[j]];
            g[i] = green[pixels[j + 1]];
            b[i] = blue[pixels[j + 2]];
        }
    }
}
