using DesertSeg.Lab.Data;
using DesertSeg.Lab.Data.Augmentation;
using DesertSeg.Lab.IO;

namespace DesertSeg.Lab.Adaptation;

/// <summary>Rare-class sampling of a run's source images (DAFormer's RCS), an ingredient of its own that any run can switch on.</summary>
/// <param name="Temperature">T of the class distribution (DAFormer: 0.01).</param>
/// <param name="MinPixels">Pixels of a class (in the full-resolution mask) an image needs to count as containing it:
/// DAFormer's rcs_min_pixels 3000 on GTA's 1914x1052 label maps, scaled by area to Falcon's 960x540 (770).
/// DAFormer also re-draws a crop up to ten times until it holds enough of the class (rcs_min_crop_ratio); this loader
/// crops after sampling and does not re-draw, a deviation that matters little with crops covering most of the image.</param>
public sealed record RareClassSamplingConfig(double Temperature = 0.01, int MinPixels = 770);

/// <summary>
/// Rare-class sampling (DAFormer, Hoyer et al., CVPR 2022): each source sample is drawn by first drawing a class c with
/// probability proportional to exp((1 - f_c) / T), f_c its share of the labelled source pixels, then an image that
/// contains c uniformly. A small temperature T (0.01) makes rare classes (Rocks) far more frequent than their pixels.
/// </summary>
public sealed class RareClassSampling
{
    private readonly double[] _classProbability;
    private readonly int[][] _imagesWith;

    private RareClassSampling(double[] classProbability, int[][] imagesWith, double[] frequency)
    {
        _classProbability = classProbability;
        _imagesWith = imagesWith;
        Frequency = frequency;
    }

    /// <summary>Share of the labelled pixels of each class (scheme order).</summary>
    public IReadOnlyList<double> Frequency { get; }

    /// <summary>Probability of drawing each class (0 for classes in no image).</summary>
    public IReadOnlyList<double> ClassProbability => _classProbability;

    /// <summary>Counts every class in every mask of the split (read once), then the sampling probabilities.</summary>
    /// <param name="minPixels">Pixels of a class an image needs to count as containing it.</param>
    public static RareClassSampling Build(DataSplit split, ClassScheme scheme, double temperature, int minPixels = 1)
    {
        if (temperature <= 0)
            throw new ArgumentOutOfRangeException(nameof(temperature), $"The temperature must be positive, got {temperature}.");
        int classes = scheme.Count;
        var counts = new long[split.Count][];
        Parallel.For(0, split.Count, IO.BoundedParallelism.Options(), i =>
        {
            var raw = MaskFiles.ReadRaw(split.Pairs[i].MaskPath!);
            var indices = scheme.Remap(raw.Values);
            var c = new long[classes];
            foreach (byte v in indices) if (v < classes) c[v]++;
            counts[i] = c;
        });
        return FromCounts(counts, temperature, minPixels);
    }

    /// <summary>The sampling from per-image class pixel counts (image x class).</summary>
    public static RareClassSampling FromCounts(long[][] counts, double temperature, int minPixels = 1)
    {
        int classes = counts.Length == 0 ? 0 : counts[0].Length;
        var total = new double[classes];
        foreach (var c in counts) for (int k = 0; k < classes; k++) total[k] += c[k];
        double sum = total.Sum();
        var frequency = total.Select(t => sum > 0 ? t / sum : 0).ToArray();
        var imagesWith = Enumerable.Range(0, classes)
            .Select(k => Enumerable.Range(0, counts.Length).Where(i => counts[i][k] >= minPixels).ToArray()).ToArray();
        // Softmax of (1 - f) / T over the classes that occur; shifted by the maximum for numerical safety.
        var logits = Enumerable.Range(0, classes)
            .Select(k => imagesWith[k].Length > 0 ? (1 - frequency[k]) / temperature : double.NegativeInfinity).ToArray();
        double max = logits.Max();
        var weights = logits.Select(l => double.IsNegativeInfinity(l) ? 0 : Math.Exp(l - max)).ToArray();
        double norm = weights.Sum();
        return new RareClassSampling(weights.Select(w => w / norm).ToArray(), imagesWith, frequency);
    }

    /// <summary>The <paramref name="count"/> sample indices of an epoch, from its own random stream.</summary>
    public int[] Order(long seed, int epoch, int count)
    {
        var random = SampleRandom.ForShuffle(seed ^ 0x5C5, epoch);
        var order = new int[count];
        for (int n = 0; n < count; n++)
        {
            double u = random.NextDouble(), acc = 0;
            int c = 0;
            for (; c < _classProbability.Length - 1; c++)
            {
                acc += _classProbability[c];
                if (u < acc) break;
            }
            while (_imagesWith[c].Length == 0) c = (c + 1) % _imagesWith.Length; // rounding landed on an absent class
            order[n] = _imagesWith[c][random.NextInt(0, _imagesWith[c].Length - 1)];
        }
        return order;
    }
}
