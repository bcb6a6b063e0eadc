namespace DesertSeg.Lab.Data.Synthetic;

/// <summary>
/// The scene being painted: linear float RGB (0..255 scale) and the raw-valued label of every pixel.
/// Every painter writes colour and label together through <see cref="Set"/>, so the mask follows what is
/// painted exactly.
/// </summary>
internal sealed class Canvas
{
    public Canvas(int width, int height)
    {
        Width = width;
        Height = height;
        Rgb = new float[width * height * 3];
        Mask = new ushort[width * height];
    }

    public int Width { get; }
    public int Height { get; }
    public float[] Rgb { get; }
    public ushort[] Mask { get; }

    public bool Inside(int x, int y) => (uint)x < (uint)Width && (uint)y < (uint)Height;

    public void Set(int x, int y, ushort label, float r, float g, float b)
    {
        int i = y * Width + x;
        Mask[i] = label;
        Rgb[3 * i] = r; Rgb[3 * i + 1] = g; Rgb[3 * i + 2] = b;
    }

    public void Set(int x, int y, ushort label, Vec3 c) => Set(x, y, label, c.R, c.G, c.B);

    public Vec3 Get(int x, int y)
    {
        int i = 3 * (y * Width + x);
        return new Vec3(Rgb[i], Rgb[i + 1], Rgb[i + 2]);
    }

    /// <summary>Darkens a pixel without changing its label (contact shadows).</summary>
    public void Shade(int x, int y, float factor)
    {
        int i = 3 * (y * Width + x);
        Rgb[i] *= factor; Rgb[i + 1] *= factor; Rgb[i + 2] *= factor;
    }

    /// <summary>Fills a disc with one label; the colour comes from a function of the pixel.</summary>
    public void Disc(float cx, float cy, float radius, ushort label, Func<int, int, Vec3> color)
    {
        int x0 = Math.Max(0, (int)MathF.Floor(cx - radius)), x1 = Math.Min(Width - 1, (int)MathF.Ceiling(cx + radius));
        int y0 = Math.Max(0, (int)MathF.Floor(cy - radius)), y1 = Math.Min(Height - 1, (int)MathF.Ceiling(cy + radius));
        float r2 = radius * radius;
        for (int y = y0; y <= y1; y++)
        {
            float dy = y + 0.5f - cy;
            for (int x = x0; x <= x1; x++)
            {
                float dx = x + 0.5f - cx;
                if (dx * dx + dy * dy <= r2) Set(x, y, label, color(x, y));
            }
        }
    }

    /// <summary>A straight stroke of the given width (blades, twigs, branches).</summary>
    public void Line(float x0, float y0, float x1, float y1, float width, ushort label, Vec3 c0, Vec3 c1)
    {
        float len = MathF.Sqrt((x1 - x0) * (x1 - x0) + (y1 - y0) * (y1 - y0));
        int steps = Math.Max(1, (int)(len * 1.5f));
        float half = Math.Max(0.5f, width * 0.5f);
        for (int s = 0; s <= steps; s++)
        {
            float t = s / (float)steps;
            float cx = x0 + (x1 - x0) * t, cy = y0 + (y1 - y0) * t;
            var c = Vec3.Lerp(c0, c1, t);
            float w = half * (1 - 0.6f * t);
            if (w < 0.75f)
            {
                int px = (int)cx, py = (int)cy;
                if (Inside(px, py)) Set(px, py, label, c);
                continue;
            }
            int xa = Math.Max(0, (int)(cx - w)), xb = Math.Min(Width - 1, (int)(cx + w));
            int ya = Math.Max(0, (int)(cy - w)), yb = Math.Min(Height - 1, (int)(cy + w));
            for (int y = ya; y <= yb; y++)
                for (int x = xa; x <= xb; x++)
                    Set(x, y, label, c);
        }
    }
}

/// <summary>A colour (or any three floats).</summary>
internal readonly record struct Vec3(float R, float G, float B)
{
    public static Vec3 operator *(Vec3 a, float s) => new(a.R * s, a.G * s, a.B * s);
    public static Vec3 operator *(Vec3 a, Vec3 b) => new(a.R * b.R, a.G * b.G, a.B * b.B);
    public static Vec3 operator +(Vec3 a, Vec3 b) => new(a.R + b.R, a.G + b.G, a.B + b.B);
    public static Vec3 Lerp(Vec3 a, Vec3 b, float t) => new(a.R + (b.R - a.R) * t, a.G + (b.G - a.G) * t, a.B + (b.B - a.B) * t);
    public static Vec3 Of(Rgb c) => new(c.R, c.G, c.B);
}
