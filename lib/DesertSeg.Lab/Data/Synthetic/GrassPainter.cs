namespace DesertSeg.Lab.Data.Synthetic;

/// <summary>Upright dry-grass tufts: a low clump of streaky stems with single blades fanning out of it.</summary>
internal static class GrassPainter
{
    public static void PaintTuft(SceneContext s, float gx, float depth, Rng rng)
    {
        var (px, py) = s.Camera.Project(gx, depth);
        float scale = s.Camera.Scale(py - s.Camera.Horizon(px));
        float width = rng.Range(0.25f, 0.7f) * scale;
        float height = rng.Range(0.25f, 0.6f) * scale;
        if (width < 1.2f || px < -width * 2 || px > s.Canvas.Width + width * 2) return;
        var env = s.Env;
        var dark = s.Fog(Vec3.Of(env.GrassDark) * 0.9f, depth);
        var light = s.Fog(Vec3.Of(env.GrassLight) * rng.Range(0.9f, 1.1f), depth);
        var cv = s.Canvas;
        uint seed = (uint)rng.NextULong();

        s.CastShadow(px, py, width * 0.8f, Math.Max(1, height * 0.2f), 0.75f);

        // The clump: a low dome of vertical streaks with ragged top and bottom, darker at the base.
        float bodyH = height * 0.3f;
        int x0 = Math.Max(0, (int)(px - width)), x1 = Math.Min(cv.Width - 1, (int)(px + width));
        int y0 = Math.Max(0, (int)(py - bodyH * 1.3f)), y1 = Math.Min(cv.Height - 1, (int)(py + bodyH * 0.4f + 1));
        float streak = Math.Max(0.6f, width * 0.04f);
        for (int y = y0; y <= y1; y++)
            for (int x = x0; x <= x1; x++)
            {
                float dx = (x - px) / width;
                float round = 1 - dx * dx;
                if (round <= 0) continue;
                float rag = Noise.Value(x / streak, 0.5f, seed);
                float top = bodyH * round * (0.6f + 0.7f * rag);
                float bottom = bodyH * 0.35f * round * (0.3f + 0.7f * Noise.Value(x / streak, 7.5f, seed + 2));
                float up = py - y;
                if (up > top || up < -bottom) continue;
                float v = Noise.Value(x / streak, y / (streak * 6), seed + 1);
                float h = (up + bottom) / Math.Max(1, top + bottom); // 0 at the base .. 1 at the top
                float t = Math.Clamp(0.15f + 0.5f * v + 0.45f * h, 0, 1);
                cv.Set(x, y, Labels.DryGrass, Vec3.Lerp(dark, light, t));
            }

        // Blades: only where they are at least a pixel wide-ish.
        if (height < 6) return;
        int blades = (int)Math.Clamp(width * 0.9f, 6, 60);
        float bladeWidth = Math.Max(1f, 0.012f * scale);
        for (int b = 0; b < blades; b++)
        {
            float bx = px + rng.Range(-0.8f, 0.8f) * width;
            float lean = rng.Range(-0.6f, 0.6f) + (bx - px) / width * 0.5f;
            float len = height * rng.Range(0.5f, 1.1f);
            float tx = bx + lean * len, ty = py - len * (1 - 0.3f * MathF.Abs(lean));
            cv.Line(bx, py - bodyH * 0.3f, tx, ty, bladeWidth, Labels.DryGrass, dark, light * rng.Range(0.85f, 1.1f));
        }
    }
}
