namespace DesertSeg.Lab.Data.Synthetic;

/// <summary>A fallen log: a bark-striped cylinder lying on the ground, lit on top, with a pale cut end.</summary>
internal static class LogPainter
{
    public static void Paint(SceneContext s, float gx, float depth, Rng rng)
    {
        var cam = s.Camera;
        var cv = s.Canvas;
        float length = rng.Range(1.2f, 3.5f), radius = rng.Range(0.08f, 0.2f);
        float ang = rng.Range(0, MathF.PI);
        float ex = gx + MathF.Cos(ang) * length, ez = Math.Max(0.6f, depth + MathF.Sin(ang) * length * 0.6f);
        var (ax, ay) = cam.Project(gx, depth);
        var (bx, by) = cam.Project(ex, ez);
        float ra = radius * cam.Scale(ay - cam.Horizon(ax)), rb = radius * cam.Scale(by - cam.Horizon(bx));
        if (Math.Max(ra, rb) < 0.8f) return;
        var bark = s.Fog(new Vec3(95, 70, 48) * rng.Range(0.8f, 1.2f), depth);
        uint seed = (uint)rng.NextULong();
        float len = MathF.Sqrt((bx - ax) * (bx - ax) + (by - ay) * (by - ay));
        int steps = Math.Max(2, (int)(len * 1.5f));
        s.CastShadow((ax + bx) / 2, (ay + by) / 2 + (ra + rb) * 0.4f, len * 0.55f + ra, Math.Max(1, (ra + rb) * 0.5f));
        for (int i = 0; i <= steps; i++)
        {
            float t = i / (float)steps;
            float cx = ax + (bx - ax) * t, cyb = ay + (by - ay) * t; // ground contact line
            float r = ra + (rb - ra) * t;
            float cy = cyb - r;
            int ya = Math.Max(0, (int)(cy - r)), yb = Math.Min(cv.Height - 1, (int)(cy + r));
            int xa = (int)cx;
            if (xa < 0 || xa >= cv.Width) continue;
            for (int y = ya; y <= yb; y++)
            {
                float across = (y - cy) / r; // -1 top .. 1 bottom
                float stripe = Noise.Value(t * len / Math.Max(1, r * 0.6f), across * 3, seed);
                var c = bark * (1.1f - 0.45f * (across + 1) * 0.5f) * (0.75f + 0.4f * stripe);
                cv.Set(xa, y, Labels.Logs, c);
                if (xa + 1 < cv.Width) cv.Set(xa + 1, y, Labels.Logs, c);
            }
        }
        // Cut end.
        var wood = s.Fog(new Vec3(185, 150, 105), depth);
        cv.Disc(bx, by - rb, rb * 0.9f, Labels.Logs, (x, y) => wood * (0.85f + 0.2f * Noise.Value(x * 0.7f, y * 0.7f, seed + 1)));
    }
}
