namespace DesertSeg.Lab.Data.Synthetic;

/// <summary>Sky: a zenith-to-horizon gradient with fBm clouds that flatten toward the horizon.</summary>
internal static class SkyPainter
{
    /// <summary>Paints every pixel above <paramref name="skyline"/> (one row per column) as Sky.</summary>
    public static void Paint(SceneContext s, float[] skyline)
    {
        var cv = s.Canvas;
        var env = s.Env;
        var zenith = Vec3.Of(env.SkyZenith);
        var horizon = Vec3.Of(env.SkyHorizon);
        var cloud = new Vec3(245, 245, 248);
        float cover = s.Rng.Range(env.CloudCoverMin, env.CloudCoverMax);
        float threshold = 0.62f - 0.25f * cover;
        uint seed = s.NextSeed();
        float shiftX = s.Rng.Range(0, 100);
        // Clouds are soft: their noise is evaluated every other column and interpolated.
        int w = cv.Width;
        var cloudRow = new float[w + 2];
        int maxTop = 0;
        for (int x = 0; x < w; x++) maxTop = Math.Max(maxTop, (int)MathF.Ceiling(skyline[x]));
        for (int y = 0; y < Math.Min(maxTop, cv.Height); y++)
        {
            float hzMid = s.Camera.Horizon(w * 0.5f);
            float aboveMid = Math.Max(0, hzMid - y) / cv.Height;
            float v = 1f / (aboveMid + 0.08f);
            for (int x = 0; x <= w; x += 2)
                cloudRow[x] = Noise.Fbm(x / (float)w * 3f * (0.5f + aboveMid) + shiftX, v * 0.9f, seed, 4);
            for (int x = 0; x < w; x++)
            {
                if (y >= skyline[x]) continue;
                float hz = s.Camera.Horizon(x);
                float above = Math.Max(0, hz - y) / cv.Height;
                float t = Math.Clamp(MathF.Pow(above * 1.6f, 0.6f), 0, 1);
                var c = Vec3.Lerp(horizon, zenith, t);
                float n = (x & 1) == 0 ? cloudRow[x] : 0.5f * (cloudRow[x - 1] + cloudRow[x + 1]);
                float k = Math.Clamp((n - threshold) * 5f, 0, 1);
                if (k > 0)
                {
                    // Cloud bodies: brighter on top, greyer underneath.
                    float shade = 0.82f + 0.18f * Noise.Value(x * 0.02f, y * 0.035f, seed + 5);
                    c = Vec3.Lerp(c, cloud * shade, k * (0.6f + 0.4f * Math.Min(1, above * 4)));
                }
                cv.Set(x, y, Labels.Sky, c);
            }
        }
    }
}
