namespace DesertSeg.Lab.IO;

/// <summary>Items read in batches, in order, the next batch read on the thread pool while the caller works on this one.</summary>
public static class PrefetchedBatches
{
    /// <summary>
    /// Items 0..<paramref name="count"/>-1 read by <paramref name="read"/> in batches of <paramref name="batchSize"/> (the last one
    /// possibly smaller), each with the index of its first item. A read that throws surfaces when its batch is reached.
    /// </summary>
    public static IEnumerable<(int Start, T[] Items)> Of<T>(int count, Func<int, T> read, int batchSize,
        CancellationToken cancellation = default)
    {
        if (batchSize < 1) throw new ArgumentException($"Batch size must be positive, got {batchSize}.");
        Task<T[]> Read(int start) => Task.Run(() =>
            Enumerable.Range(start, Math.Min(batchSize, count - start)).Select(read).ToArray());
        if (count == 0) yield break;
        var next = Read(0);
        for (int start = 0; start < count; start += batchSize)
        {
            cancellation.ThrowIfCancellationRequested();
            var batch = next.GetAwaiter().GetResult();
            if (start + batchSize < count) next = Read(start + batchSize);
            yield return (start, batch);
        }
    }
}
