namespace DesertSeg.Lab.Data;

/// <summary>An 8-bit RGB image, pixels interleaved row by row (R, G, B, R, G, B, ...).</summary>
public sealed class RgbImage
{
    public RgbImage(int width, int height, byte[]? pixels = null)
    {
        if (width <= 0 || height <= 0) throw new ArgumentException($"Image size {width}x{height} is empty.");
        pixels ??= new byte[width * height * 3];
        if (pixels.Length != width * height * 3)
            throw new ArgumentException($"{pixels.Length} bytes do not make a {width}x{height} RGB image.");
        Width = width;
        Height = height;
        Pixels = pixels;
    }

    public int Width { get; }
    public int Height { get; }
    public byte[] Pixels { get; }

    public Rgb this[int x, int y]
    {
        get { int i = (y * Width + x) * 3; return new Rgb(Pixels[i], Pixels[i + 1], Pixels[i + 2]); }
        set { int i = (y * Width + x) * 3; Pixels[i] = value.R; Pixels[i + 1] = value.G; Pixels[i + 2] = value.B; }
    }
}

/// <summary>A mask of raw 16-bit class values (100..10000), as the Falcon ground truth stores them.</summary>
public sealed class RawMask
{
    public RawMask(int width, int height, ushort[]? values = null)
    {
        if (width <= 0 || height <= 0) throw new ArgumentException($"Mask size {width}x{height} is empty.");
        values ??= new ushort[width * height];
        if (values.Length != width * height)
            throw new ArgumentException($"{values.Length} values do not make a {width}x{height} mask.");
        Width = width;
        Height = height;
        Values = values;
    }

    public int Width { get; }
    public int Height { get; }
    public ushort[] Values { get; }

    public ushort this[int x, int y]
    {
        get => Values[y * Width + x];
        set => Values[y * Width + x] = value;
    }

    /// <summary>This mask at another size, nearest neighbour (labels are never blended); itself at its own size.</summary>
    public RawMask ResizeNearest(int width, int height)
    {
        if (width == Width && height == Height) return this;
        var values = new ushort[width * height];
        for (int y = 0; y < height; y++)
        {
            int sy = Math.Min(Height - 1, (int)(y * (double)Height / height));
            for (int x = 0; x < width; x++)
                values[y * width + x] = Values[sy * Width + Math.Min(Width - 1, (int)(x * (double)Width / width))];
        }
        return new RawMask(width, height, values);
    }
}
