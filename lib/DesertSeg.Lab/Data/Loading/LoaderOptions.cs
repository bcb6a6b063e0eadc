namespace DesertSeg.Lab.Data.Loading;

/// <summary>How a <see cref="SegmentationLoader"/> batches and schedules a data set.</summary>
/// <param name="BatchSize">Samples per batch (the report trains with 4).</param>
/// <param name="Shuffle">Shuffle the sample order each epoch (derived from Seed and the epoch).</param>
/// <param name="DropLast">Drop a final incomplete batch (PyTorch's drop_last): on for training, so every step sees a
/// full batch (BatchNorm on a batch of one is degenerate); off for evaluation, so every image is scored.</param>
/// <param name="Seed">Seeds the shuffle and every sample's augmentation.</param>
/// <param name="Workers">Threads that decode and augment; 0 loads on the consuming thread; null = half the processors
/// (at least one): LibTorch's own threads use every core, and loader threads on all of them as well oversubscribe
/// the CPU while decoding is far faster than training anyway.</param>
/// <param name="Prefetch">Most batches allocated and not yet taken by the consumer (in preparation or ready).</param>
public sealed record LoaderOptions(
    int BatchSize = 4,
    bool Shuffle = true,
    bool DropLast = true,
    long Seed = 42,
    int? Workers = null,
    int Prefetch = 2)
{
    /// <summary>Training: shuffled, incomplete last batch dropped.</summary>
    public static LoaderOptions Training(int batchSize, long seed) => new(batchSize, Shuffle: true, DropLast: true, Seed: seed);

    /// <summary>Evaluation: file order, every sample kept.</summary>
    public static LoaderOptions Evaluation(int batchSize) => new(batchSize, Shuffle: false, DropLast: false);

    public int WorkerCount => Workers ?? Math.Max(1, Environment.ProcessorCount / 2);

    internal void Validate()
    {
        if (BatchSize <= 0) throw new ArgumentException($"Batch size must be positive, not {BatchSize}.");
        if (Workers < 0) throw new ArgumentException($"Worker count must be 0 or more, not {Workers}.");
        if (Prefetch <= 0) throw new ArgumentException($"Prefetch must be at least one batch, not {Prefetch}.");
    }
}
