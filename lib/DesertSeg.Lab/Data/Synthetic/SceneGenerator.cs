using DesertSeg.Lab.IO;
using OpenCvSharp;

namespace DesertSeg.Lab.Data.Synthetic;

/// <summary>
/// Renders one synthetic desert scene of an environment: sky, hills, textured ground with dry-grass mats,
/// flat patches (clutter, flowers, slab fields), then upright objects (grass tufts, bushes, trees, rocks,
/// outcrops, debris heaps, logs) from far to near, and finally per-image lighting. The mask is written by the same
/// calls that paint the image, so labels follow painted shapes exactly; only the image is softened
/// (a slight blur, like a renderer's anti-aliasing) afterwards. The same (environment, seed) always gives
/// the same bytes.
/// </summary>
public sealed class SceneGenerator
{
    public SceneGenerator(int width = 960, int height = 540)
    {
        if (width < 32 || height < 32) throw new ArgumentException($"Scene size {width}x{height} is too small (32x32 at least).");
        Width = width;
        Height = height;
    }

    public int Width { get; }
    public int Height { get; }

    private const float FarObjects = 150f;

    private enum Upright : byte { Tuft, LushBush, DryBush, Tree, Boulder, Outcrop, Log, Debris, Rubble }

    private readonly record struct Placed(float Depth, float GroundX, Upright Kind, float Size, ulong Seed);

    public (RgbImage Image, RawMask Mask) Render(DesertEnvironment env, int seed)
    {
        ArgumentNullException.ThrowIfNull(env);
        var rng = new Rng(Rng.Mix(seed, 0x5EED));
        var canvas = new Canvas(Width, Height);

        // Camera: horizon height (share of sky), roll, height above ground, focal length.
        float skyShare = rng.Range(env.SkyFractionMin, env.SkyFractionMax);
        float roll = rng.Range(-env.MaxRollDegrees, env.MaxRollDegrees) * MathF.PI / 180f;
        float camHeight = rng.Range(env.CameraHeightMin, env.CameraHeightMax);
        float focal = Width * rng.Range(0.55f, 0.8f);
        var camera = new Camera(Width, Height, Height * skyShare, roll, camHeight, focal);
        var s = new SceneContext(env, canvas, camera, rng.Fork(), (uint)rng.NextULong());

        var skyline = TerrainPainter.Skyline(s);
        SkyPainter.Paint(s, skyline);
        TerrainPainter.Paint(s, skyline);

        float near = s.NearestDepth * 0.75f;
        PaintGroundPatches(s, near);
        var objects = PlaceUprights(s, near);
        // Painter's algorithm: far to near.
        objects.Sort((a, b) => b.Depth.CompareTo(a.Depth));
        foreach (var o in objects) PaintUpright(s, o);

        var image = Finish(s, canvas);
        return (image, new RawMask(Width, Height, canvas.Mask));
    }

    private static void PaintGroundPatches(SceneContext s, float near)
    {
        var env = s.Env;
        var patches = new List<(float Depth, float X, float R, GroundPatchPainter.Kind Kind, ulong Seed)>();
        void Add(float mean, GroundPatchPainter.Kind kind, float rMin, float rMax, float far)
        {
            int n = s.Rng.Count(mean);
            for (int i = 0; i < n; i++)
            {
                var (x, z) = s.RandomGroundPoint(near, far);
                patches.Add((z, x, s.Rng.Range(rMin, rMax), kind, s.Rng.NextULong()));
            }
        }
        Add(env.ClutterPatches, GroundPatchPainter.Kind.Clutter, 0.4f, 1.8f, 50);
        Add(env.FlowerPatches, GroundPatchPainter.Kind.Flowers, 0.5f, 2.0f, 60);
        Add(env.SlabFields, GroundPatchPainter.Kind.Slabs, 2f, 8f, 80);
        patches.Sort((a, b) => b.Depth.CompareTo(a.Depth));
        foreach (var p in patches) GroundPatchPainter.Paint(s, p.X, p.Depth, p.R, p.Kind, new Rng(p.Seed));
    }

    private static List<Placed> PlaceUprights(SceneContext s, float near)
    {
        var env = s.Env;
        var list = new List<Placed>();
        void Add(float mean, Upright kind, float far, float size = 0)
        {
            int n = s.Rng.Count(mean);
            for (int i = 0; i < n; i++)
            {
                var (x, z) = s.RandomGroundPoint(near, far);
                list.Add(new Placed(z, x, kind, size, s.Rng.NextULong()));
                if (kind == Upright.LushBush && s.Rng.Chance(env.RockNearBush))
                {
                    // Training rocks sit beside the green shrubs.
                    float side = s.Rng.Chance(0.5f) ? -1 : 1;
                    list.Add(new Placed(z + s.Rng.Range(-0.3f, 0.6f), x + side * env.LushBushSize * s.Rng.Range(0.8f, 1.6f),
                        Upright.Boulder, env.RockSize * s.Rng.Range(0.5f, 1.3f), s.Rng.NextULong()));
                }
            }
        }
        Add(env.GrassTufts, Upright.Tuft, 45);
        Add(env.LushBushes, Upright.LushBush, FarObjects);
        Add(env.DryBushes, Upright.DryBush, FarObjects);
        Add(env.Trees, Upright.Tree, FarObjects * 1.5f);
        Add(env.Outcrops, Upright.Outcrop, 90);
        int rocks = s.Rng.Count(env.Rocks);
        for (int i = 0; i < rocks; i++)
        {
            var (x, z) = s.RandomGroundPoint(near, 100);
            list.Add(new Placed(z, x, Upright.Boulder, env.RockSize * MathF.Exp(s.Rng.Gaussian() * 0.5f), s.Rng.NextULong()));
        }
        if (s.Rng.Chance(env.LogChance))
        {
            var (x, z) = s.RandomGroundPoint(near, 25);
            list.Add(new Placed(z, x, Upright.Log, 0, s.Rng.NextULong()));
        }
        // Outcrops stand at mid-distance: re-place them there.
        for (int i = 0; i < list.Count; i++)
            if (list[i].Kind == Upright.Outcrop)
            {
                float z = s.Rng.Range(Math.Max(near * 1.5f, 8f), 70f);
                list[i] = list[i] with { Depth = z, GroundX = s.Rng.Range(-1f, 1f) * s.Camera.HalfWidthAt(z) };
            }
        // Drawn last, so the other objects of a scene stay where an environment without heaps puts them.
        Add(env.DebrisHeaps, Upright.Debris, 40);
        int mounds = s.Rng.Count(env.RubbleMounds);
        for (int i = 0; i < mounds; i++)
        {
            float z = s.Rng.Range(Math.Max(near * 1.5f, 8f), 70f);
            list.Add(new Placed(z, s.Rng.Range(-1f, 1f) * s.Camera.HalfWidthAt(z), Upright.Rubble, 0, s.Rng.NextULong()));
        }
        return list;
    }

    private static void PaintUpright(SceneContext s, Placed o)
    {
        var rng = new Rng(o.Seed);
        switch (o.Kind)
        {
            case Upright.Tuft: GrassPainter.PaintTuft(s, o.GroundX, o.Depth, rng); break;
            case Upright.LushBush: BushPainter.Paint(s, o.GroundX, o.Depth, lush: true, rng); break;
            case Upright.DryBush: BushPainter.Paint(s, o.GroundX, o.Depth, lush: false, rng); break;
            case Upright.Tree: TreePainter.Paint(s, o.GroundX, o.Depth, rng); break;
            case Upright.Boulder: RockPainter.Boulder(s, o.GroundX, o.Depth, o.Size, rng); break;
            case Upright.Outcrop: RockPainter.Outcrop(s, o.GroundX, o.Depth, rng); break;
            case Upright.Log: LogPainter.Paint(s, o.GroundX, o.Depth, rng); break;
            case Upright.Debris: RockPainter.DebrisHeap(s, o.GroundX, o.Depth, rng); break;
            case Upright.Rubble: RockPainter.RubbleMound(s, o.GroundX, o.Depth, rng); break;
        }
    }

    /// <summary>Per-image exposure and white balance, a light vignette, grain, then a slight blur of the image only.</summary>
    private static RgbImage Finish(SceneContext s, Canvas canvas)
    {
        var env = s.Env;
        float exposure = env.ExposureMean * MathF.Exp(s.Rng.Gaussian() * env.ExposureSpread);
        float warm = s.Rng.Range(-0.04f, 0.04f);
        float gr = exposure * (1 + warm), gg = exposure, gb = exposure * (1 - warm);
        uint seed = s.NextSeed();
        int w = canvas.Width, h = canvas.Height;
        var src = canvas.Rgb;
        var bytes = new byte[w * h * 3];
        float cx = w * 0.5f, cy = h * 0.5f, inv = 1f / (cx * cx + cy * cy);
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
            {
                int i = y * w + x;
                float v = 1 - 0.12f * ((x - cx) * (x - cx) + (y - cy) * (y - cy)) * inv;
                float g = (Noise.White(x, y, seed) - 0.5f) * 6f;
                bytes[3 * i] = ToByte(src[3 * i] * gr * v + g);
                bytes[3 * i + 1] = ToByte(src[3 * i + 1] * gg * v + g);
                bytes[3 * i + 2] = ToByte(src[3 * i + 2] * gb * v + g);
            }
        using var mat = ImageFiles.FromBytes(bytes, w, h, MatType.CV_8UC3);
        Cv2.GaussianBlur(mat, mat, new Size(3, 3), 0.6);
        return new RgbImage(w, h, ImageFiles.ToBytes(mat));
    }

    private static byte ToByte(float v) => v <= 0 ? (byte)0 : v >= 255 ? (byte)255 : (byte)(v + 0.5f);
}
