using System.Runtime.CompilerServices;

namespace DesertSeg.Lab.Data.Synthetic;

/// <summary>
/// Seeded value noise and fractal Brownian motion (fBm), hashed from lattice coordinates (no tables),
/// so any number of independent noise fields can be used at no set-up cost.
/// </summary>
internal static class Noise
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float Hash(int x, int y, uint seed) => (HashBits(x, y, seed) >> 8) * (1f / (1 << 24));

    /// <summary>32 well-mixed bits from lattice coordinates and a seed.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint HashBits(int x, int y, uint seed)
    {
        uint h = (uint)x * 0x8DA6B343u ^ (uint)y * 0xD8163841u ^ seed * 0xCB1AB31Fu;
        h ^= h >> 15; h *= 0x2C1B3C6Du; h ^= h >> 12; h *= 0x297A2D39u; h ^= h >> 15;
        return h;
    }

    /// <summary>Smooth value noise in [0, 1].</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Value(float x, float y, uint seed)
    {
        float fx = MathF.Floor(x), fy = MathF.Floor(y);
        int ix = (int)fx, iy = (int)fy;
        float tx = x - fx, ty = y - fy;
        tx = tx * tx * (3 - 2 * tx);
        ty = ty * ty * (3 - 2 * ty);
        float a = Hash(ix, iy, seed), b = Hash(ix + 1, iy, seed);
        float c = Hash(ix, iy + 1, seed), d = Hash(ix + 1, iy + 1, seed);
        float top = a + (b - a) * tx, bottom = c + (d - c) * tx;
        return top + (bottom - top) * ty;
    }

    /// <summary>One-dimensional smooth noise in [0, 1].</summary>
    public static float Value1(float x, uint seed) => Value(x, 0.5f, seed);

    /// <summary>fBm in about [0, 1]: octaves of value noise, each twice the frequency and half the weight.</summary>
    public static float Fbm(float x, float y, uint seed, int octaves)
    {
        float sum = 0, amp = 0.5f, norm = 0;
        for (int o = 0; o < octaves; o++)
        {
            sum += amp * Value(x, y, seed + (uint)o * 1013u);
            norm += amp;
            amp *= 0.5f;
            x = x * 2.03f + 17.1f;
            y = y * 2.03f + 5.3f;
        }
        return sum / norm;
    }

    /// <summary>Per-pixel white noise in [0, 1) (film grain, speckle).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float White(int x, int y, uint seed) => Hash(x, y, seed);
}

/// <summary>Worley (cellular) noise on a jittered grid: broken slabs, pebbles, flower heads.</summary>
internal static class Cellular
{
    /// <summary>
    /// Distances to the nearest and second-nearest feature points (in cell units) and a hash of the
    /// nearest point's cell in [0, 1), which gives every cell (slab, pebble) its own look.
    /// </summary>
    public static (float F1, float F2, float Id) Eval(float x, float y, uint seed)
    {
        var (f1, f2, id, _, _) = EvalWithPoint(x, y, seed);
        return (f1, f2, id);
    }

    /// <summary>As <see cref="Eval"/>, plus the nearest feature point (in the same units as x, y).</summary>
    public static (float F1, float F2, float Id, float PointX, float PointY) EvalWithPoint(float x, float y, uint seed)
    {
        int ix = (int)MathF.Floor(x), iy = (int)MathF.Floor(y);
        float f1 = 9, f2 = 9, bx = 0, by = 0;
        int bestX = 0, bestY = 0;
        const float Unit = 1f / 65536;
        for (int j = -1; j <= 1; j++)
            for (int i = -1; i <= 1; i++)
            {
                int cx = ix + i, cy = iy + j;
                // One hash gives both jitter coordinates (16 bits each).
                uint h = Noise.HashBits(cx, cy, seed);
                float px = cx + (h & 0xFFFF) * Unit, py = cy + (h >> 16) * Unit;
                float dx = px - x, dy = py - y;
                float d = dx * dx + dy * dy;
                if (d < f1) { f2 = f1; f1 = d; bx = px; by = py; bestX = cx; bestY = cy; }
                else if (d < f2) f2 = d;
            }
        float id = Noise.White(bestX, bestY, seed + 191u);
        return (MathF.Sqrt(f1), MathF.Sqrt(f2), id, bx, by);
    }
}
