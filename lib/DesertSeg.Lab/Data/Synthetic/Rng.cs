namespace DesertSeg.Lab.Data.Synthetic;

/// <summary>
/// A small, fast, fully specified random generator (SplitMix64). Unlike <see cref="Random"/>, its
/// sequence is fixed by this code alone, so a seed gives the same scene on every runtime and platform.
/// </summary>
internal struct Rng
{
    private ulong _state;

    public Rng(ulong seed) => _state = seed ^ 0x9E3779B97F4A7C15UL;

    /// <summary>Mixes several integers into one well-spread seed (order matters).</summary>
    public static ulong Mix(params long[] parts)
    {
        ulong h = 0xCBF29CE484222325UL;
        foreach (long p in parts) h = Finalise(h ^ (ulong)p) * 0x100000001B3UL;
        return Finalise(h);
    }

    private static ulong Finalise(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    public ulong NextULong()
    {
        _state += 0x9E3779B97F4A7C15UL;
        return Finalise(_state);
    }

    /// <summary>Uniform in [0, 1).</summary>
    public float Next() => (NextULong() >> 40) * (1f / (1UL << 24));

    /// <summary>Uniform in [lo, hi).</summary>
    public float Range(float lo, float hi) => lo + (hi - lo) * Next();

    /// <summary>Uniform integer in [lo, hi).</summary>
    public int Int(int lo, int hi) => lo + (int)((NextULong() >> 33) % (ulong)Math.Max(1, hi - lo));

    public bool Chance(float p) => Next() < p;

    /// <summary>Standard normal (Box-Muller).</summary>
    public float Gaussian()
    {
        float u = Math.Max(Next(), 1e-7f), v = Next();
        return MathF.Sqrt(-2f * MathF.Log(u)) * MathF.Cos(2f * MathF.PI * v);
    }

    /// <summary>A Poisson-ish count with the given mean (rounded mean plus a random remainder).</summary>
    public int Count(float mean)
    {
        if (mean <= 0) return 0;
        float jittered = mean * Range(0.6f, 1.4f);
        int n = (int)jittered;
        return n + (Next() < jittered - n ? 1 : 0);
    }

    /// <summary>A child generator for one object, independent of how many numbers the parent draws later.</summary>
    public Rng Fork() => new(NextULong());
}
