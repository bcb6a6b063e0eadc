namespace DesertSeg.Lab.Data.Augmentation;

/// <summary>
/// The random source of one augmented sample (or one epoch's shuffle): xoshiro256** seeded through
/// SplitMix64. Each stream is derived from (seed, epoch, index) alone, so a sample's augmentation does not
/// depend on which worker thread draws it or in what order, and it is the same on every platform and .NET
/// version (System.Random gives no such promise for its seeded sequences).
/// </summary>
public sealed class SampleRandom
{
    // Domain tags keep the shuffle stream of (seed, epoch) apart from the stream of sample 0 of that epoch.
    private const ulong SampleStream = 0x5A4D_504C_4553_0001; // "SAMPLES"
    private const ulong ShuffleStream = 0x5348_5546_464C_0002; // "SHUFFL"
    private const ulong TorchStream = 0x544F_5243_4800_0003;   // "TORCH"
    private const ulong BatchStream = 0x4241_5443_4800_0004;   // "BATCH"

    private ulong _s0, _s1, _s2, _s3;

    public SampleRandom(ulong seed)
    {
        ulong state = seed;
        _s0 = SplitMix64(ref state);
        _s1 = SplitMix64(ref state);
        _s2 = SplitMix64(ref state);
        _s3 = SplitMix64(ref state);
    }

    /// <summary>The stream that augments sample <paramref name="index"/> (its data set index) in an epoch.</summary>
    public static SampleRandom ForSample(long seed, int epoch, int index) =>
        new(Derive((ulong)seed, SampleStream, (ulong)(uint)epoch, (ulong)(uint)index));

    /// <summary>The stream that shuffles the sample order of an epoch.</summary>
    public static SampleRandom ForShuffle(long seed, int epoch) =>
        new(Derive((ulong)seed, ShuffleStream, (ulong)(uint)epoch, 0));

    /// <summary>The stream of batch-level augmentation (CutMix) of batch <paramref name="number"/> of an epoch.</summary>
    public static SampleRandom ForBatch(long seed, int epoch, int number) =>
        new(Derive((ulong)seed, BatchStream, (ulong)(uint)epoch, (ulong)(uint)number));

    /// <summary>
    /// A seed for torch's own generator in an epoch (dropout draws from it): seeding it per epoch makes a
    /// resumed epoch draw exactly what an uninterrupted run drew.
    /// </summary>
    public static long TorchSeed(long seed, int epoch) =>
        (long)(Derive((ulong)seed, TorchStream, (ulong)(uint)epoch, 0) >> 1);

    /// <summary>Chains the SplitMix64 finaliser over the parts, so that nearby inputs give unrelated seeds.</summary>
    private static ulong Derive(ulong seed, ulong stream, ulong epoch, ulong index)
    {
        ulong h = Mix(seed);
        h = Mix(h ^ stream);
        h = Mix(h ^ epoch);
        return Mix(h ^ index);
    }

    private static ulong SplitMix64(ref ulong state)
    {
        state += 0x9E3779B97F4A7C15UL;
        return Finalise(state);
    }

    private static ulong Mix(ulong x) => Finalise(x + 0x9E3779B97F4A7C15UL);

    private static ulong Finalise(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    public ulong NextUInt64()
    {
        ulong result = ulong.RotateLeft(_s1 * 5, 7) * 9;
        ulong t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = ulong.RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>Uniform in [0, 1), 53 random bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform in [low, high), as Python's random.uniform (the ends' inclusion does not matter for doubles).</summary>
    public double Uniform(double low, double high) => low + (high - low) * NextDouble();

    /// <summary>An integer in [low, high], both ends included, as Python's random.randint.</summary>
    public int NextInt(int low, int high)
    {
        if (high < low) throw new ArgumentOutOfRangeException(nameof(high), $"Empty range [{low}, {high}].");
        ulong range = (ulong)((long)high - low + 1);
        // Lemire's multiply-shift: unbiased enough for ranges this small (bias below 2^-40).
        ulong scaled = (ulong)(((UInt128)NextUInt64() * range) >> 64);
        return (int)(low + (long)scaled);
    }

    /// <summary>True with probability <paramref name="p"/> (albumentations' `random() &lt; p`).</summary>
    public bool Chance(double p) => NextDouble() < p;

    /// <summary>A draw from Beta(<paramref name="a"/>, <paramref name="b"/>) through two gamma draws (Marsaglia-Tsang).</summary>
    public double Beta(double a, double b)
    {
        double x = Gamma(a), y = Gamma(b);
        return x / (x + y);
    }

    private double Gamma(double shape)
    {
        if (shape < 1) return Gamma(shape + 1) * Math.Pow(NextDouble(), 1 / shape);
        double d = shape - 1.0 / 3, c = 1 / Math.Sqrt(9 * d);
        while (true)
        {
            double x, v;
            do
            {
                // Box-Muller normal draw.
                x = Math.Sqrt(-2 * Math.Log(1 - NextDouble())) * Math.Cos(2 * Math.PI * NextDouble());
                v = 1 + c * x;
            } while (v <= 0);
            v = v * v * v;
            double u = NextDouble();
            if (u < 1 - 0.0331 * x * x * x * x || Math.Log(u) < 0.5 * x * x + d * (1 - v + Math.Log(v))) return d * v;
        }
    }

    /// <summary>Fisher-Yates shuffle in place.</summary>
    public void Shuffle<T>(Span<T> items)
    {
        for (int i = items.Length - 1; i > 0; i--)
        {
            int j = NextInt(0, i);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }
}
