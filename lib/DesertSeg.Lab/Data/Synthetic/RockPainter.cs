namespace DesertSeg.Lab.Data.Synthetic;

/// <summary>
/// Rocks: boulders (grey, faceted, with moss in the training desert; brown with sandstone layering in
/// the test desert) and, for sandstone, large layered outcrops at mid-distance.
/// </summary>
internal static class RockPainter
{
    public static void Boulder(SceneContext s, float gx, float depth, float sizeMetres, Rng rng)
    {
        var env = s.Env;
        Block(s, gx, depth, sizeMetres, rng, env.RockStyle == RockStyle.LayeredSandstone, Vec3.Of(env.RockLight), Vec3.Of(env.RockDark),
            env.Moss, env.RockSpeckle, Labels.Rocks);
    }

    /// <summary>
    /// A heap of broken sandstone blocks and flakes (ground clutter of the training desert): small crumbling
    /// brown stones in the clutter's colours, piled within a metre or so.
    /// </summary>
    public static void DebrisHeap(SceneContext s, float gx, float depth, Rng rng)
    {
        var env = s.Env;
        int n = rng.Int(3, 9);
        float spread = rng.Range(0.3f, 0.9f);
        var blocks = new List<(float X, float Z, float Size, ulong Seed)>(n);
        for (int i = 0; i < n; i++)
            blocks.Add((gx + rng.Range(-1f, 1f) * spread, Math.Max(0.5f, depth + rng.Range(-0.5f, 0.5f) * spread),
                rng.Range(0.12f, 0.45f), rng.NextULong()));
        blocks.Sort((a, b) => b.Z.CompareTo(a.Z));
        var light = Vec3.Of(env.ClutterLight) * DebrisBrightness;
        var dark = Vec3.Of(env.ClutterDark) * DebrisBrightness;
        foreach (var b in blocks)
            Block(s, b.X, b.Z, b.Size, new Rng(b.Seed), sandstone: true, light, dark, moss: 0, crumble: 1, Labels.GroundClutter);
    }

    /// <summary>Standing blocks catch more light than flat chips: clutter colours are scaled by this for heaps.</summary>
    private const float DebrisBrightness = 1.4f;

    private static void Block(SceneContext s, float gx, float depth, float sizeMetres, Rng rng, bool sandstone,
        Vec3 rockLight, Vec3 rockDark, float moss, float crumble, ushort label)
    {
        var (px, py) = s.Camera.Project(gx, depth);
        float scale = s.Camera.Scale(py - s.Camera.Horizon(px));
        float r = sizeMetres * scale;
        if (r < 0.8f || px < -r * 2 || px > s.Canvas.Width + r * 2) return;
        var cv = s.Canvas;
        var light = s.Fog(rockLight * rng.Range(0.85f, 1.1f), depth);
        var dark = s.Fog(rockDark * rng.Range(0.85f, 1.1f), depth);
        var mossColor = s.Fog(new Vec3(85, 105, 50) * rng.Range(0.8f, 1.15f), depth);
        uint seed = (uint)rng.NextULong();
        float squash = rng.Range(0.5f, 0.85f);
        float cy = py - r * squash * 0.55f;
        float facet = Math.Max(1.5f, r * 0.35f);
        float layer = Math.Max(1.2f, 0.07f * scale * rng.Range(0.7f, 1.4f));
        float mossAmount = moss * rng.Range(0.3f, 1.6f);

        s.CastShadow(px, py, r * 1.3f, Math.Max(1, r * 0.3f));

        int x0 = Math.Max(0, (int)(px - r * 1.4f)), x1 = Math.Min(cv.Width - 1, (int)(px + r * 1.4f));
        int y0 = Math.Max(0, (int)(cy - r * squash * 1.5f)), y1 = Math.Min(cv.Height - 1, (int)(py + r * 0.1f));
        for (int y = y0; y <= y1; y++)
            for (int x = x0; x <= x1; x++)
            {
                float dx = (x + 0.5f - px) / r, dy = (y + 0.5f - cy) / (r * squash);
                float ang = MathF.Atan2(dy, dx);
                float edge = 0.78f + 0.4f * Noise.Value(ang * 1.6f + 10, 0.5f, seed) + 0.1f * Noise.Value(ang * 7f + 30, 0.5f, seed + 9);
                float d = MathF.Sqrt(dx * dx + dy * dy);
                if (d > edge) continue;
                // Faceted shading: the normal is the radial direction bent by blocky noise.
                float fn = Noise.Value(x / facet, y / facet, seed + 1);
                float fq = MathF.Floor(fn * 4) / 4;
                float nx = dx / edge * 0.8f + (fq - 0.5f) * 0.5f, ny = dy / edge * 0.8f - 0.2f;
                float lit = s.Light(nx, ny, 0.45f);
                float grain = Noise.Value(x / 1.3f, y / 1.3f, seed + 2);
                Vec3 c;
                if (sandstone)
                {
                    float band = Noise.Value((y - cy) / layer + 0.4f * Noise.Value(x / (layer * 4), 0, seed + 3), 0.5f, seed + 4);
                    c = Vec3.Lerp(dark, light, Math.Clamp(0.1f + 0.9f * band, 0, 1)) * lit * (0.85f + 0.25f * grain);
                    float frac = ((y - cy) / layer * 0.5f + 0.3f * Noise.Value(x / (layer * 4), 3, seed + 3)) % 1f;
                    if (frac < 0 ? frac > -0.12f : frac > 0.88f) c *= 0.75f; // ledges between layers
                    float crack = MathF.Abs(Noise.Value(x / (facet * 1.5f), y / (facet * 1.5f), seed + 5) - 0.5f);
                    if (crack < 0.02f) c *= 0.65f;
                    c *= Crumble(crumble, x / scale, y / scale, x, y, seed + 10);
                }
                else
                {
                    float t = Math.Clamp(0.35f + 0.5f * fn + 0.15f * (grain - 0.5f), 0, 1);
                    c = Vec3.Lerp(dark, light, t) * lit;
                    float crack = MathF.Abs(Noise.Value(x / (facet * 1.5f), y / (facet * 1.5f), seed + 5) - 0.5f);
                    if (crack < 0.025f) c *= 0.6f;
                    // Moss grows on the upper, less steep part.
                    float m = Noise.Fbm(x / facet, y / facet, seed + 6, 2) + (-dy) * 0.25f;
                    if (m > 1 - mossAmount * 0.8f) c = Vec3.Lerp(c, mossColor * lit, Math.Clamp((m - (1 - mossAmount * 0.8f)) * 8, 0, 1));
                }
                cv.Set(x, y, label, c);
            }
    }

    /// <summary>
    /// A sandstone outcrop standing on the ground at a depth: a mesa-like mass with a ragged flat top,
    /// horizontal strata, ledge shadows and vertical erosion streaks.
    /// </summary>
    public static void Outcrop(SceneContext s, float gx, float depth, Rng rng)
    {
        var env = s.Env;
        Mass(s, gx, depth, rng, Vec3.Of(env.RockLight), Vec3.Of(env.RockDark), env.RockSpeckle, widthMin: 6f, widthMax: 30f,
            heightMin: 2.5f, heightMax: 9f, Labels.Rocks, talus: true);
    }

    /// <summary>
    /// A mound of collapsed sandstone (ground clutter of the training desert): the rubble left where a ledge broke
    /// up, piled in rough strata at mid-distance, in the clutter's colours and fully crumbled. Lower and smaller
    /// than an outcrop, and without a talus of boulders.
    /// </summary>
    public static void RubbleMound(SceneContext s, float gx, float depth, Rng rng)
    {
        var env = s.Env;
        Mass(s, gx, depth, rng, Vec3.Of(env.ClutterLight) * DebrisBrightness, Vec3.Of(env.ClutterDark) * DebrisBrightness,
            crumble: 1, widthMin: 3f, widthMax: 12f, heightMin: 1f, heightMax: 3.5f, Labels.GroundClutter, talus: false);
    }

    private static void Mass(SceneContext s, float gx, float depth, Rng rng, Vec3 rockLight, Vec3 rockDark, float crumble,
        float widthMin, float widthMax, float heightMin, float heightMax, ushort label, bool talus)
    {
        var cam = s.Camera;
        var cv = s.Canvas;
        var (px, py) = cam.Project(gx, depth);
        float scale = cam.Scale(py - cam.Horizon(px));
        float width = rng.Range(widthMin, widthMax) * scale;
        float height = rng.Range(heightMin, heightMax) * scale;
        height = Math.Min(height, width * 0.7f);
        if (width < 4) return;
        var light = s.Fog(rockLight * rng.Range(0.85f, 1.1f), depth);
        var dark = s.Fog(rockDark * rng.Range(0.85f, 1.05f), depth);
        uint seed = (uint)rng.NextULong();
        float layer = Math.Max(1.5f, rng.Range(0.3f, 0.8f) * scale);
        float streak = Math.Max(1f, 0.15f * scale);
        float steps = rng.Range(2, 5);

        float edgeWidth = rng.Range(0.15f, 0.45f);
        float terrace = rng.Range(0.3f, 0.8f);
        float tilt = rng.Range(-0.15f, 0.15f); // strata dip
        int x0 = Math.Max(0, (int)(px - width * 0.5f)), x1 = Math.Min(cv.Width - 1, (int)(px + width * 0.5f));
        for (int x = x0; x <= x1; x++)
        {
            float t = (x - (px - width * 0.5f)) / width; // 0..1 across
            float shoulder = Math.Min(t, 1 - t) * 2;        // 0 at the ends, 1 in the middle
            // Rounded, eroded flanks with terraces where harder layers resist, and an uneven top.
            float e = Math.Clamp(shoulder / edgeWidth, 0, 1);
            float p = MathF.Pow(e * e * (3 - 2 * e), 0.7f);
            p *= 0.7f + 0.3f * Noise.Fbm(t * 5, 1.5f, seed, 3);
            float stepped = MathF.Floor(p * steps + 0.15f * Noise.Value(t * 6, 2.5f, seed + 1)) / steps;
            p = Math.Clamp(p + (stepped - p) * terrace, 0, 1);
            float baseY = py + (cam.Horizon(x) - cam.Horizon(px)) + Noise.Value(t * 20, 4.5f, seed + 3) * Math.Max(1, 0.3f * scale);
            float topY = baseY - height * p;
            float dpdt = (Noise.Value(t * 5 + 0.02f, 1.5f, seed) - Noise.Value(t * 5 - 0.02f, 1.5f, seed)) * 10
                + (t < 0.5f ? 1 : -1) * (1 - e) * 2;
            int ya = Math.Max(0, (int)MathF.Ceiling(topY)), yb = Math.Min(cv.Height - 1, (int)baseY);
            for (int y = ya; y <= yb; y++)
            {
                float warp = 0.8f * Noise.Value(x / (layer * 5), y / (layer * 3), seed + 4);
                float hgt = (baseY - y) / layer + warp + tilt * (x - px) / layer;
                float band = Noise.Value(MathF.Floor(hgt) * 1.37f, 0.5f, seed + 5);
                float frac = hgt - MathF.Floor(hgt);
                var c = Vec3.Lerp(dark, light, 0.3f + 0.7f * band);
                // Ledge shadow under each stratum's lip, a lighter lip on top.
                if (frac > 0.88f) c *= 0.75f;
                else if (frac < 0.1f) c *= 1.08f;
                float patch = Noise.Fbm(x / (layer * 8), y / (layer * 8), seed + 6, 2);
                float ero = Noise.Value(x / streak, y / (streak * 5), seed + 8);
                c *= 0.75f + 0.35f * patch + 0.12f * (ero - 0.5f);
                // Flanks facing the sun are lit; near the top edge a bright rim.
                float lit = 0.85f + 0.2f * Math.Clamp(-dpdt * s.SunX, -1, 1);
                if (y - topY < Math.Max(1, 0.08f * scale)) lit *= 1.12f;
                c *= lit * (0.92f + 0.12f * Noise.White(x, y, seed + 7));
                c *= Crumble(crumble, x / scale, y / scale, x, y, seed + 10);
                cv.Set(x, y, label, c);
            }
        }
        if (!talus) return;
        // Talus: boulders at the foot.
        int boulders = rng.Int(3, 10);
        for (int i = 0; i < boulders; i++)
        {
            float ox = rng.Range(-0.55f, 0.55f) * width / scale;
            float oz = rng.Range(-1.5f, 0.5f) * Math.Max(1, width / scale * 0.1f);
            Boulder(s, gx + ox, Math.Max(0.5f, depth + oz), rng.Range(0.3f, 1.2f), rng.Fork());
        }
    }

    /// <summary>
    /// The weathered skin of sandstone (<see cref="DesertEnvironment.RockSpeckle"/>): a brightness factor that
    /// breaks the surface into chips of its own tone with dark cracks and pits between them, and sand grit on
    /// top, at the scale of the broken-stone debris of ground clutter. (u, v) are surface coordinates in
    /// metres, (x, y) the pixel. Averages about 1, so the rock keeps its colour.
    /// </summary>
    public static float Crumble(float amount, float u, float v, int x, int y, uint seed)
    {
        if (amount <= 0) return 1;
        var (f1, f2, id) = Cellular.Eval(u / ChipMetres, v / ChipMetres, seed);
        float f = f2 - f1 < 0.09f ? 0.75f : 1.0f + 0.3f * id - 0.25f * f1;
        f *= 0.86f + 0.28f * Noise.White(x, y, seed + 1);
        return 1 + (f - 1) * amount;
    }

    /// <summary>Size of one chip of crumbling sandstone, in metres (within the clutter's chip sizes).</summary>
    private const float ChipMetres = 0.2f;
}
