namespace DesertSeg.Lab.Data.Synthetic;

/// <summary>
/// Trees: full-canopy trees (trunk, branches, a crown of leaf clumps) for the training desert; sparse
/// scrubby trees and columnar cacti for the test desert. Trunk and crown are both labelled Trees.
/// </summary>
internal static class TreePainter
{
    public static void Paint(SceneContext s, float gx, float depth, Rng rng)
    {
        var (px, py) = s.Camera.Project(gx, depth);
        float scale = s.Camera.Scale(py - s.Camera.Horizon(px));
        var env = s.Env;
        float height = env.TreeHeight * rng.Range(0.6f, 1.4f) * scale;
        if (height < 3 || px < -height || px > s.Canvas.Width + height) return;
        var trunk = s.Fog(Vec3.Of(env.TrunkColor) * rng.Range(0.85f, 1.15f), depth);
        var leaves = s.Fog(Vec3.Of(env.TreeColor) * rng.Range(0.85f, 1.15f), depth);
        if (env.TreeStyle == TreeStyle.FullCanopy) Canopy(s, px, py, height, scale, trunk, leaves, rng);
        else if (rng.Chance(0.5f)) Cactus(s, px, py, height, scale, leaves, rng);
        else Scrub(s, px, py, height, scale, trunk, leaves, rng);
    }

    private static void Canopy(SceneContext s, float px, float py, float height, float scale, Vec3 trunk, Vec3 leaves, Rng rng)
    {
        var cv = s.Canvas;
        float crownR = height * rng.Range(0.28f, 0.4f);
        float crownY = py - height + crownR;
        s.CastShadow(px, py, crownR * 1.1f, Math.Max(1, crownR * 0.2f), 0.6f);
        float tw = Math.Max(1, 0.22f * scale * rng.Range(0.7f, 1.3f));
        float lean = rng.Range(-0.08f, 0.08f) * height;
        cv.Line(px, py, px + lean, crownY, tw, Labels.Trees, trunk * 0.8f, trunk);
        for (int b = 0; b < 4; b++)
        {
            float a = rng.Range(-2.6f, -0.5f);
            float by = py - height * rng.Range(0.35f, 0.55f);
            cv.Line(px + lean * 0.5f, by, px + lean * 0.5f + MathF.Cos(a) * crownR * 0.8f, by + MathF.Sin(a) * crownR * 0.8f,
                Math.Max(1, tw * 0.5f), Labels.Trees, trunk * 0.8f, trunk);
        }
        Crown(s, px + lean, crownY, crownR * 1.15f, crownR, leaves, scale, rng, Math.Clamp((int)(crownR * 0.4f) + 8, 8, 30));
    }

    /// <summary>A crown: an ellipse of leaf clumps, lit from the sun's side, darker underneath.</summary>
    private static void Crown(SceneContext s, float cx, float cy, float rx, float ry, Vec3 leaves, float scale, Rng rng, int clumps)
    {
        var cv = s.Canvas;
        uint seed = (uint)rng.NextULong();
        float leaf = Math.Max(0.7f, 0.06f * scale);
        var list = new (float X, float Y, float R)[clumps];
        for (int i = 0; i < clumps; i++)
        {
            float a = rng.Range(0, 2 * MathF.PI), r = MathF.Sqrt(rng.Next()) * 0.75f;
            float cr = Math.Max(rx, ry) * rng.Range(0.3f, 0.5f);
            list[i] = (cx + MathF.Cos(a) * r * rx, cy + MathF.Sin(a) * r * ry, cr);
        }
        Array.Sort(list, (a, b) => a.Y.CompareTo(b.Y));
        foreach (var (x0f, y0f, cr) in list)
        {
            int x0 = Math.Max(0, (int)(x0f - cr)), x1 = Math.Min(cv.Width - 1, (int)(x0f + cr));
            int y0 = Math.Max(0, (int)(y0f - cr)), y1 = Math.Min(cv.Height - 1, (int)(y0f + cr));
            for (int y = y0; y <= y1; y++)
                for (int x = x0; x <= x1; x++)
                {
                    float dx = (x - x0f) / cr, dy = (y - y0f) / cr;
                    float d2 = dx * dx + dy * dy;
                    float n = Noise.Value(x / leaf, y / leaf, seed);
                    if (d2 > 0.7f + 0.5f * n) continue;
                    float global = (y - cy) / ry; // lower crown is in its own shade
                    float v = s.Light(dx * 0.7f, dy * 0.7f) * (0.7f + 0.45f * n) * (1 - 0.25f * Math.Clamp(global, 0, 1));
                    cv.Set(x, y, Labels.Trees, leaves * v);
                }
        }
    }

    private static void Scrub(SceneContext s, float px, float py, float height, float scale, Vec3 trunk, Vec3 leaves, Rng rng)
    {
        var cv = s.Canvas;
        float tw = Math.Max(1, 0.12f * scale);
        float forkY = py - height * rng.Range(0.3f, 0.5f);
        float lean = rng.Range(-0.1f, 0.1f) * height;
        cv.Line(px, py, px + lean, forkY, tw, Labels.Trees, trunk * 0.8f, trunk);
        int arms = rng.Int(2, 5);
        s.CastShadow(px, py, height * 0.25f, Math.Max(1, height * 0.05f), 0.75f);
        for (int a = 0; a < arms; a++)
        {
            float ang = -MathF.PI / 2 + rng.Range(-0.9f, 0.9f);
            float len = height * rng.Range(0.35f, 0.6f);
            float ex = px + lean + MathF.Cos(ang) * len, ey = forkY + MathF.Sin(ang) * len;
            cv.Line(px + lean, forkY, ex, ey, Math.Max(1, tw * 0.6f), Labels.Trees, trunk, trunk * 0.9f);
            float r = height * rng.Range(0.08f, 0.15f);
            Crown(s, ex, ey, r * 1.3f, r, leaves * 0.85f, scale, rng, 5);
        }
    }

    private static void Cactus(SceneContext s, float px, float py, float height, float scale, Vec3 green, Rng rng)
    {
        var cv = s.Canvas;
        float w = Math.Max(1.5f, height * rng.Range(0.07f, 0.1f));
        s.CastShadow(px, py, w * 2, Math.Max(1, w * 0.4f), 0.7f);
        Column(s, px, py, py - height, w, green, rng);
        int arms = rng.Int(0, 3);
        for (int a = 0; a < arms; a++)
        {
            float side = rng.Chance(0.5f) ? -1 : 1;
            float ay = py - height * rng.Range(0.35f, 0.6f);
            float ax = px + side * w * rng.Range(1.6f, 2.4f);
            // Elbow, then the arm goes up.
            cv.Line(px, ay, ax, ay, w * 0.7f, Labels.Trees, green * 0.85f, green * 0.85f);
            Column(s, ax, ay, ay - height * rng.Range(0.2f, 0.35f), w * 0.75f, green, rng);
        }
    }

    private static void Column(SceneContext s, float cx, float bottom, float top, float w, Vec3 green, Rng rng)
    {
        var cv = s.Canvas;
        int x0 = Math.Max(0, (int)(cx - w)), x1 = Math.Min(cv.Width - 1, (int)(cx + w));
        int y0 = Math.Max(0, (int)(top - w)), y1 = Math.Min(cv.Height - 1, (int)bottom);
        for (int y = y0; y <= y1; y++)
            for (int x = x0; x <= x1; x++)
            {
                float dx = (x + 0.5f - cx) / w;
                if (dx * dx > 1) continue;
                if (y < top)
                {
                    float dy = (y - top) / w;
                    if (dx * dx + dy * dy > 1) continue;
                }
                // Ribs: vertical stripes across the rounded column.
                float rib = 0.85f + 0.15f * MathF.Cos(dx * 9f);
                float v = s.Light(dx * 0.9f, 0) * rib;
                cv.Set(x, y, Labels.Trees, green * v);
            }
    }
}
