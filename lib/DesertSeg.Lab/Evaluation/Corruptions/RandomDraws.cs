namespace DesertSeg.Lab.Evaluation.Corruptions;

/// <summary>Standard normal draws from a seeded <see cref="Random"/> (Marsaglia's polar method), never from shared state.</summary>
internal sealed class NormalSampler(Random random)
{
    private double _spare;
    private bool _hasSpare;

    /// <summary>The generator the draws come from (for uniform draws interleaved with normal ones).</summary>
    public Random Random { get; } = random;

    /// <summary>One draw from N(0, 1).</summary>
    public double Next()
    {
        if (_hasSpare) { _hasSpare = false; return _spare; }
        double u, v, s;
        do
        {
            u = 2 * Random.NextDouble() - 1;
            v = 2 * Random.NextDouble() - 1;
            s = u * u + v * v;
        } while (s >= 1 || s == 0);
        double f = Math.Sqrt(-2 * Math.Log(s) / s);
        _spare = v * f;
        _hasSpare = true;
        return u * f;
    }

    /// <summary>One draw from U(low, high).</summary>
    public double Uniform(double low, double high) => low + (high - low) * Random.NextDouble();
}

/// <summary>
/// Poisson draws for the 256 rates lambda = (byte / 255) * <c>scale</c> that shot noise needs, by inverting a
/// precomputed cumulative distribution (exact up to a 1e-15 tail, and independent of lambda's size).
/// </summary>
internal sealed class PoissonTables
{
    private readonly double[][] _cdf = new double[256][];

    /// <summary>Tables for lambda = (v / 255) * <paramref name="scale"/>, v = 0..255.</summary>
    public PoissonTables(double scale)
    {
        var cdf = new List<double>();
        for (int v = 0; v < 256; v++)
        {
            double lambda = v / 255.0 * scale;
            cdf.Clear();
            double p = Math.Exp(-lambda), sum = p;
            cdf.Add(sum);
            int cap = (int)(lambda + 20 * Math.Sqrt(lambda) + 40);
            for (int k = 1; sum < 1 - 1e-15 && k < cap; k++)
            {
                p *= lambda / k;
                sum += p;
                cdf.Add(sum);
            }
            cdf[^1] = 1.0; // the tail beyond the last entry goes to it
            _cdf[v] = [.. cdf];
        }
    }

    /// <summary>A Poisson draw for the rate of byte <paramref name="value"/>, from a uniform <paramref name="u"/> in [0, 1).</summary>
    public int Sample(byte value, double u)
    {
        var cdf = _cdf[value];
        int lo = 0, hi = cdf.Length - 1; // smallest k with cdf[k] > u
        while (lo < hi)
        {
            int mid = (lo + hi) >> 1;
            if (cdf[mid] > u) hi = mid; else lo = mid + 1;
        }
        return lo;
    }
}
