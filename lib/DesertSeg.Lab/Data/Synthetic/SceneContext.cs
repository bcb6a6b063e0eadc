namespace DesertSeg.Lab.Data.Synthetic;

/// <summary>Everything the painters of one scene share: canvas, camera, environment, light and randomness.</summary>
internal sealed class SceneContext
{
    public SceneContext(DesertEnvironment env, Canvas canvas, Camera camera, Rng rng, uint noiseSeed)
    {
        Env = env;
        Canvas = canvas;
        Camera = camera;
        Rng = rng;
        NoiseSeed = noiseSeed;
        SunX = (rng.Chance(0.5f) ? -1 : 1) * rng.Range(0.3f, 0.9f);
        SunY = -rng.Range(0.5f, 0.9f);
        HazeDistance = rng.Range(180f, 400f);
        Haze = Vec3.Of(env.Haze);
    }

    public DesertEnvironment Env { get; }
    public Canvas Canvas { get; }
    public Camera Camera { get; }
    public Rng Rng;
    public uint NoiseSeed { get; }

    /// <summary>Horizontal component of the light direction in image space (negative: light from the left).</summary>
    public float SunX { get; }

    /// <summary>Vertical component (negative: from above).</summary>
    public float SunY { get; }

    public float HazeDistance { get; }
    public Vec3 Haze { get; }

    /// <summary>A fresh noise seed for one object or field.</summary>
    public uint NextSeed() => (uint)Rng.NextULong();

    /// <summary>Aerial perspective: far things fade toward the haze colour.</summary>
    public Vec3 Fog(Vec3 c, float depth)
    {
        float f = 1 - MathF.Exp(-depth / HazeDistance);
        return Vec3.Lerp(c, Haze, f * 0.75f);
    }

    /// <summary>Lambert-like light for a surface whose (image-space) normal is (nx, ny), in [ambient, 1].</summary>
    public float Light(float nx, float ny, float ambient = 0.55f)
    {
        float nz = MathF.Sqrt(Math.Max(0, 1 - nx * nx - ny * ny));
        float d = -(nx * SunX + ny * SunY) * 0.8f + nz * 0.6f;
        return ambient + (1 - ambient) * Math.Clamp(d, 0, 1);
    }

    /// <summary>A random ground point, uniform over the visible ground between two depths.</summary>
    public (float GroundX, float Depth) RandomGroundPoint(float nearest, float farthest, float widthMargin = 1.15f)
    {
        float zn = Math.Max(nearest, 0.5f), zf = Math.Max(farthest, zn + 0.1f);
        float z = MathF.Sqrt(zn * zn + Rng.Next() * (zf * zf - zn * zn));
        float half = Camera.HalfWidthAt(z) * widthMargin;
        return (Rng.Range(-half, half), z);
    }

    /// <summary>Depth of the ground at the bottom row of the image (the nearest visible ground).</summary>
    public float NearestDepth => Camera.DepthAt(Camera.Height - Camera.HorizonY);

    /// <summary>Whether a label belongs to the ground (what shadows fall on).</summary>
    public static bool IsGround(ushort label) => label is Labels.Landscape or Labels.DryGrass or Labels.GroundClutter or Labels.Flowers;

    /// <summary>Darkens the ground in an ellipse under an object: its shadow.</summary>
    public void CastShadow(float cx, float cy, float rx, float ry, float strength = 0.65f)
    {
        cx -= SunX * rx * 0.5f;
        int x0 = Math.Max(0, (int)(cx - rx)), x1 = Math.Min(Canvas.Width - 1, (int)(cx + rx));
        int y0 = Math.Max(0, (int)(cy - ry)), y1 = Math.Min(Canvas.Height - 1, (int)(cy + ry));
        for (int y = y0; y <= y1; y++)
            for (int x = x0; x <= x1; x++)
            {
                float dx = (x - cx) / rx, dy = (y - cy) / ry;
                float d = dx * dx + dy * dy;
                if (d < 1 && IsGround(Canvas.Mask[y * Canvas.Width + x]))
                    Canvas.Shade(x, y, strength + (1 - strength) * d);
            }
    }
}

/// <summary>The raw mask values, as constants for switch patterns.</summary>
internal static class Labels
{
    public const ushort Trees = 100, LushBushes = 200, DryGrass = 300, DryBushes = 500, GroundClutter = 550,
        Flowers = 600, Logs = 700, Rocks = 800, Landscape = 7100, Sky = 10000;
}
