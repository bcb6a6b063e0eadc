using TorchSharp;
using static TorchSharp.torch;

namespace DesertSeg.Lab.Evaluation;

/// <summary>
/// Pixel counts by (true class, predicted class), accumulated over a whole split, as the original's
/// mIoU accumulated intersection and union over the split rather than per image. Pixels whose truth
/// is <see cref="Data.ClassScheme.Ignore"/> (or any value outside 0..C-1) are left out.
/// </summary>
public sealed class ConfusionMatrix
{
    private readonly long[] _counts;

    public ConfusionMatrix(int classCount)
    {
        if (classCount <= 0) throw new ArgumentOutOfRangeException(nameof(classCount), "A confusion matrix needs at least one class.");
        ClassCount = classCount;
        _counts = new long[classCount * classCount];
    }

    public int ClassCount { get; }

    /// <summary>Pixels of true class <paramref name="truth"/> predicted as <paramref name="predicted"/>.</summary>
    public long this[int truth, int predicted] => _counts[truth * ClassCount + predicted];

    /// <summary>Pixels counted so far.</summary>
    public long Total => _counts.Sum();

    /// <summary>Adds one prediction/truth pair of class-index maps (same length).</summary>
    public void Add(ReadOnlySpan<byte> predicted, ReadOnlySpan<byte> truth)
    {
        if (predicted.Length != truth.Length)
            throw new ArgumentException($"Prediction has {predicted.Length} pixels, truth {truth.Length}.");
        int c = ClassCount;
        for (int i = 0; i < truth.Length; i++)
        {
            int t = truth[i], p = predicted[i];
            if (t >= c) continue;
            if (p >= c) throw new ArgumentException($"Predicted class {p} is outside 0..{c - 1}.");
            _counts[t * c + p]++;
        }
    }

    /// <summary>
    /// Adds a batch of predictions and truths (integer tensors of the same shape, any device): one
    /// bincount on the device, one small copy back.
    /// </summary>
    public void Add(Tensor predicted, Tensor truth)
    {
        if (!predicted.shape.SequenceEqual(truth.shape))
            throw new ArgumentException(
                $"Prediction shape [{string.Join(",", predicted.shape)}] differs from truth [{string.Join(",", truth.shape)}].");
        using var scope = NewDisposeScope();
        var t = truth.flatten().to(ScalarType.Int64);
        var p = predicted.flatten().to(ScalarType.Int64);
        var valid = t.ge(0).logical_and(t.lt(ClassCount));
        var index = t.masked_select(valid).mul(ClassCount).add(p.masked_select(valid));
        var counts = IO.TensorData.ToArray<long>(bincount(index, minlength: ClassCount * ClassCount).cpu());
        if (counts.Length > _counts.Length)
            throw new ArgumentException($"A predicted class is outside 0..{ClassCount - 1}.");
        for (int i = 0; i < counts.Length; i++) _counts[i] += counts[i];
    }

    /// <summary>Adds another matrix of the same size (e.g. from another worker).</summary>
    public void Add(ConfusionMatrix other)
    {
        if (other.ClassCount != ClassCount)
            throw new ArgumentException($"Cannot add a {other.ClassCount}-class matrix to a {ClassCount}-class one.");
        for (int i = 0; i < _counts.Length; i++) _counts[i] += other._counts[i];
    }

    /// <summary>The counts, row-major by truth (for saving a score).</summary>
    public long[] Counts() => (long[])_counts.Clone();

    /// <summary>A matrix with the given row-major counts (as <see cref="Counts"/> returns them).</summary>
    public static ConfusionMatrix FromCounts(int classCount, IReadOnlyList<long> counts)
    {
        var m = new ConfusionMatrix(classCount);
        if (counts.Count != m._counts.Length)
            throw new ArgumentException($"{counts.Count} counts do not make a {classCount}x{classCount} confusion matrix.");
        for (int i = 0; i < counts.Count; i++) m._counts[i] = counts[i];
        return m;
    }

    /// <summary>The counts as a [truth, prediction] array.</summary>
    public long[,] ToArray()
    {
        var a = new long[ClassCount, ClassCount];
        for (int t = 0; t < ClassCount; t++)
            for (int p = 0; p < ClassCount; p++) a[t, p] = this[t, p];
        return a;
    }

    /// <summary>Rows normalised to sum 1: where each class's pixels went (NaN for a class with no pixels).</summary>
    public double[,] RowNormalized()
    {
        var a = new double[ClassCount, ClassCount];
        for (int t = 0; t < ClassCount; t++)
        {
            double row = 0;
            for (int p = 0; p < ClassCount; p++) row += this[t, p];
            for (int p = 0; p < ClassCount; p++) a[t, p] = row > 0 ? this[t, p] / row : double.NaN;
        }
        return a;
    }

    public SegmentationMetrics Metrics() => SegmentationMetrics.From(this);
}
