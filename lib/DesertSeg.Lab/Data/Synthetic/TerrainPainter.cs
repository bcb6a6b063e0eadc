namespace DesertSeg.Lab.Data.Synthetic;

/// <summary>
/// The ground: distant hills above the horizon and the ground plane below it, textured in ground-plane
/// coordinates (so the texture shrinks with distance) and fading into haze; a noise field on the same
/// plane decides where the ground is covered with a mat of dry grass.
/// </summary>
internal static class TerrainPainter
{
    /// <summary>The row of the top of the land in each column (the hills' silhouette).</summary>
    /// <summary>Size in metres of one grass clump of the mat.</summary>
    private const float TuftCell = 0.45f;

    public static float[] Skyline(SceneContext s)
    {
        var cv = s.Canvas;
        var line = new float[cv.Width];
        uint seed = s.NextSeed();
        float amp = s.Env.HillHeight * cv.Height * s.Rng.Range(0.2f, 1.6f);
        float freq = s.Rng.Range(2f, 6f);
        for (int x = 0; x < cv.Width; x++)
        {
            float n = Noise.Fbm(x / (float)cv.Width * freq, 3.5f, seed, 4);
            float h = amp * MathF.Pow(Math.Max(0, n - 0.25f) / 0.75f, 1.6f);
            line[x] = s.Camera.Horizon(x) - h;
        }
        return line;
    }

    public static void Paint(SceneContext s, float[] skyline)
    {
        var cv = s.Canvas;
        var env = s.Env;
        var cam = s.Camera;
        var light = Vec3.Of(env.GroundLight);
        var dark = Vec3.Of(env.GroundDark);
        var accent = Vec3.Of(env.GroundAccent);
        var grassLight = Vec3.Of(env.GrassLight);
        var grassDark = Vec3.Of(env.GrassDark);
        var hill = Vec3.Of(env.HillColor);
        uint seed = s.NextSeed(), grassSeed = s.NextSeed();
        float accentAmount = env.GroundAccentAmount * s.Rng.Range(0.5f, 1.5f);
        float grassCover = Math.Clamp(env.GrassCover * s.Rng.Range(0.5f, 1.5f), 0, 0.9f);
        // fBm of 2 octaves is roughly normal around 0.5 with spread ~0.1: a threshold that leaves
        // about 'cover' of the plane above it.
        float grassThreshold = 0.5f + 0.09f * InverseNormalTail(grassCover);
        float grassScale = s.Rng.Range(0.12f, 0.3f);

        // The slowly varying fields (grass cover, accent tint, mid-scale shading) are evaluated on a grid
        // every few pixels and interpolated: they change little between neighbouring pixels.
        var grassGrid = new CoarseField(cv.Width, cv.Height, (x, y) =>
        {
            var (gx, z) = GroundAt(cam, x, y);
            return Noise.Fbm(gx * grassScale, z * grassScale, grassSeed, 2);
        });
        var lowGrid = new CoarseField(cv.Width, cv.Height, (x, y) =>
        {
            var (gx, z) = GroundAt(cam, x, y);
            return Noise.Fbm(gx * 0.04f, z * 0.04f, seed, 2);
        });
        var midGrid = new CoarseField(cv.Width, cv.Height, (x, y) =>
        {
            var (gx, z) = GroundAt(cam, x, y);
            return Noise.Value(gx * 0.6f, z * 0.6f, seed + 3);
        });

        for (int y = 0; y < cv.Height; y++)
        {
            for (int x = 0; x < cv.Width; x++)
            {
                float below = cam.Below(x, y);
                if (y < skyline[x]) continue;
                if (below < 0.5f)
                {
                    // Distant hills: hazy, with soft vertical relief.
                    float hn = Noise.Fbm(x * 0.02f, y * 0.05f, seed + 9, 3);
                    var hc = Vec3.Lerp(s.Haze, hill, 0.45f + 0.35f * hn);
                    cv.Set(x, y, Labels.Landscape, hc);
                    continue;
                }
                float depth = cam.DepthAt(below);
                float gx = (x - cv.Width * 0.5f) * depth / cam.Focal;
                // Footprint of a pixel on the ground, to drop detail that would alias.
                float footprint = depth * depth / (cam.Focal * cam.HeightMetres);

                float speck = Noise.White(x, y, seed + 5);
                float grassField = grassGrid.At(x, y)
                                   + 0.06f * (Noise.Value(gx * 2.5f, depth * 2.5f, grassSeed + 7) - 0.5f)
                                   // ragged, blade-like edges of the mat
                                   + 0.03f * (Noise.Value(x * 0.5f, y * 0.1f, grassSeed + 8) - 0.5f);
                Vec3 c;
                ushort label;
                if (grassField > grassThreshold)
                {
                    // A mat of dry grass: clumps (cells on the ground plane), each streaked with vertical
                    // blades at the clump's own scale, darker in the gaps between clumps.
                    var (f1, _, id, cpx, cpz) = Cellular.EvalWithPoint(gx / TuftCell, depth / TuftCell, grassSeed + 21);
                    float cz = Math.Max(0.3f, cpz * TuftCell);
                    float ppm = cam.Focal / cz; // pixels per metre at the clump
                    float xp = 0.012f * ppm + 0.45f, yp = 0.2f * ppm + 1f;
                    float cx = cv.Width * 0.5f + cam.Focal * cpx * TuftCell / cz;
                    float blade = Noise.Value((x - cx) / xp + id * 100, y / yp, grassSeed + 11);
                    float fineBlade = Noise.Value((x - cx) / (xp * 0.5f) + 50, y / (yp * 0.6f), grassSeed + 12);
                    float t = Math.Clamp(0.75f - 0.55f * f1 + 0.6f * (blade - 0.5f) + 0.35f * (fineBlade - 0.5f)
                                         + 0.1f * (speck - 0.5f) + 0.2f * (id - 0.5f), 0, 1);
                    c = Vec3.Lerp(grassDark, grassLight, t);
                    label = Labels.DryGrass;
                }
                else
                {
                    float low = lowGrid.At(x, y);
                    float mid = midGrid.At(x, y);
                    float fine = footprint < 0.3f ? Noise.Value(gx * 4f, depth * 4f, seed + 4) : 0.5f;
                    float grit = footprint < 0.03f ? Noise.Value(gx * 40f, depth * 40f, seed + 6) : 0.5f;
                    float t = Math.Clamp(0.15f + 0.45f * mid + 0.25f * fine + 0.3f * (grit - 0.5f) + 0.15f * (speck - 0.5f), 0, 1);
                    c = Vec3.Lerp(dark, light, t);
                    float a = Math.Clamp((low - 0.5f) * 4f * accentAmount + accentAmount * 0.3f, 0, 1);
                    c = Vec3.Lerp(c, accent, a);
                    // Small stones and dark grit in the near ground.
                    if (grit > 0.82f) c *= 0.86f;
                    else if (grit < 0.12f) c *= 1.06f;
                    label = Labels.Landscape;
                }
                cv.Set(x, y, label, s.Fog(c, depth));
            }
        }
    }

    /// <summary>Ground coordinates of a pixel; above the horizon, those of a point just below it.</summary>
    private static (float GroundX, float Depth) GroundAt(Camera cam, float x, float y)
    {
        float below = Math.Max(0.5f, cam.Below(x, y));
        float depth = cam.DepthAt(below);
        return ((x - cam.Width * 0.5f) * depth / cam.Focal, depth);
    }

    /// <summary>z such that a standard normal exceeds z with probability p (a rational approximation).</summary>
    private static float InverseNormalTail(float p)
    {
        p = Math.Clamp(p, 1e-4f, 1 - 1e-4f);
        bool upper = p < 0.5f;
        float q = upper ? p : 1 - p;
        float t = MathF.Sqrt(-2 * MathF.Log(q));
        float z = t - (2.515517f + 0.802853f * t + 0.010328f * t * t) / (1 + 1.432788f * t + 0.189269f * t * t + 0.001308f * t * t * t);
        return upper ? z : -z;
    }
}
