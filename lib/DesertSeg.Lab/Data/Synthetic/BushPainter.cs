namespace DesertSeg.Lab.Data.Synthetic;

/// <summary>
/// Bushes: a dome of overlapping leaf clumps, each shaded toward the light and mottled with leaf-sized
/// noise. Lush bushes are dense and green; dry bushes are sparser, brown-olive, with twigs.
/// </summary>
internal static class BushPainter
{
    public static void Paint(SceneContext s, float gx, float depth, bool lush, Rng rng)
    {
        var (px, py) = s.Camera.Project(gx, depth);
        float scale = s.Camera.Scale(py - s.Camera.Horizon(px));
        var env = s.Env;
        float radius = (lush ? env.LushBushSize : env.DryBushSize) * rng.Range(0.5f, 1.5f) * scale;
        if (radius < 0.8f || px < -radius * 2 || px > s.Canvas.Width + radius * 2) return;
        ushort label = lush ? Labels.LushBushes : Labels.DryBushes;
        var baseColor = Vec3.Of(lush ? env.LushBushColor : env.DryBushColor) * rng.Range(0.85f, 1.15f);
        var tint = lush
            ? new Vec3(rng.Range(0.9f, 1.1f), 1, rng.Range(0.8f, 1.1f))
            : new Vec3(1, rng.Range(0.9f, 1.05f), rng.Range(0.85f, 1.0f));
        baseColor = s.Fog(baseColor * tint, depth);
        var cv = s.Canvas;
        uint seed = (uint)rng.NextULong();
        float leaf = Math.Max(0.7f, (lush ? 0.05f : 0.035f) * scale);
        float heightRatio = rng.Range(0.6f, 1.0f);

        s.CastShadow(px, py, radius * 1.2f, Math.Max(1, radius * 0.25f));

        if (!lush && radius > 4)
        {
            // Twigs first, so the clumps sit on them.
            var twig = baseColor * 0.6f;
            int twigs = (int)Math.Clamp(radius * 0.4f, 4, 24);
            for (int i = 0; i < twigs; i++)
            {
                float a = rng.Range(-MathF.PI * 0.95f, -MathF.PI * 0.05f);
                float len = radius * rng.Range(0.8f, 1.3f);
                cv.Line(px + rng.Range(-0.2f, 0.2f) * radius, py, px + MathF.Cos(a) * len, py + MathF.Sin(a) * len * heightRatio,
                    Math.Max(1, 0.02f * scale), label, twig, twig * 1.2f);
            }
        }

        int clumps = Math.Clamp((int)(radius * 0.5f) + 5, 5, lush ? 16 : 12);
        // Back to front: clumps higher up (farther back on the dome) first.
        var centres = new (float X, float Y, float R)[clumps];
        for (int i = 0; i < clumps; i++)
        {
            float a = rng.Range(MathF.PI, 2 * MathF.PI);
            float r = MathF.Sqrt(rng.Next()) * 0.7f;
            float cr = radius * rng.Range(0.3f, 0.55f);
            float cx = px + MathF.Cos(a) * r * radius;
            float cy = py + MathF.Sin(a) * r * radius * heightRatio - cr * 0.6f;
            centres[i] = (cx, cy, cr);
        }
        Array.Sort(centres, (a, b) => a.Y.CompareTo(b.Y));
        float sparse = lush ? 0.0f : 0.35f;
        foreach (var (cx, cy, cr) in centres)
        {
            int x0 = Math.Max(0, (int)(cx - cr)), x1 = Math.Min(cv.Width - 1, (int)(cx + cr));
            int y0 = Math.Max(0, (int)(cy - cr)), y1 = Math.Min(cv.Height - 1, (int)Math.Min(cy + cr, py));
            for (int y = y0; y <= y1; y++)
                for (int x = x0; x <= x1; x++)
                {
                    float dx = (x + 0.5f - cx) / cr, dy = (y + 0.5f - cy) / cr;
                    float d2 = dx * dx + dy * dy;
                    float n = Noise.Value(x / leaf, y / leaf, seed);
                    // Ragged clump edge: leaves stick out or leave gaps.
                    if (d2 > 0.75f + 0.5f * n) continue;
                    if (sparse > 0 && n < sparse * 0.6f && d2 > 0.3f) continue;
                    float lit = s.Light(dx * 0.8f, dy * 0.8f);
                    float speck = Noise.Value(x / (leaf * 0.5f), y / (leaf * 0.5f), seed + 3);
                    float v = lit * (0.7f + 0.45f * n) * (0.85f + 0.3f * speck);
                    // Inner shadow between clumps.
                    v *= 1 - 0.25f * Math.Clamp(d2 - 0.5f, 0, 1);
                    cv.Set(x, y, label, baseColor * v);
                }
        }
    }
}
