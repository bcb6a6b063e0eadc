using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;
using DesertSeg.Lab.Data.Augmentation;

namespace DesertSeg.Lab.Data.Loading;

/// <summary>
/// Batches a <see cref="SegmentationDataset"/> epoch by epoch. Worker threads decode and augment samples into the
/// arrays of at most <see cref="LoaderOptions.Prefetch"/> batches ahead of the consumer; batches come out in order.
/// Every sample's augmentation is drawn from (Seed, epoch, sample index) and the shuffle from (Seed, epoch), so an
/// epoch's batches are identical whatever the worker count or thread timing.
/// </summary>
public sealed class SegmentationLoader
{
    private int _pendingBatches;
    private int _peakPendingBatches;

    public SegmentationLoader(SegmentationDataset dataset, LoaderOptions options, StageTimings? timings = null)
    {
        options.Validate();
        Dataset = dataset;
        Options = options;
        Timings = timings;
    }

    public SegmentationDataset Dataset { get; }
    public LoaderOptions Options { get; }

    /// <summary>Per-stage time, when given; the tensor stage is the consumer's and is timed by whoever calls ToTensors.</summary>
    public StageTimings? Timings { get; }

    public int BatchesPerEpoch => Options.DropLast
        ? Dataset.Count / Options.BatchSize
        : (Dataset.Count + Options.BatchSize - 1) / Options.BatchSize;

    /// <summary>The most batches that were ever allocated and not yet handed out (never above Prefetch).</summary>
    public int PeakPendingBatches => Volatile.Read(ref _peakPendingBatches);

    /// <summary>
    /// Chooses the samples of each epoch instead of the plain (shuffled) order, e.g. rare-class sampling; it returns
    /// <see cref="SegmentationDataset.Count"/> data set indices (repeats allowed) and must depend on the epoch only.
    /// </summary>
    public Func<int, int[]>? Sampler { get; init; }

    /// <summary>Data set indices in the order epoch <paramref name="epoch"/> visits them.</summary>
    public int[] Order(int epoch)
    {
        if (Sampler is not null) return Sampler(epoch);
        var order = Enumerable.Range(0, Dataset.Count).ToArray();
        if (Options.Shuffle) SampleRandom.ForShuffle(Options.Seed, epoch).Shuffle<int>(order);
        return order;
    }

    /// <summary>
    /// The batches of one epoch, in order. Leaving the loop early (break, exception, cancellation) stops the workers
    /// before the enumerator's Dispose returns. A sample that fails to load (say a corrupt PNG) raises its
    /// exception, a <see cref="DataFormatException"/> naming the file, here on the consumer's thread.
    /// </summary>
    public IEnumerable<Batch> Epoch(int epoch, CancellationToken cancellation = default)
    {
        var order = Order(epoch);
        int batchCount = BatchesPerEpoch;
        return Options.WorkerCount == 0
            ? Sequential(epoch, order, batchCount, cancellation)
            : Parallel(epoch, order, batchCount, cancellation);
    }

    private IEnumerable<Batch> Sequential(int epoch, int[] order, int batchCount, CancellationToken cancellation)
    {
        for (int b = 0; b < batchCount; b++)
        {
            cancellation.ThrowIfCancellationRequested();
            var batch = NewBatch(epoch, b, order);
            for (int slot = 0; slot < batch.Count; slot++) LoadSample(batch, slot);
            yield return batch;
        }
    }

    private IEnumerable<Batch> Parallel(int epoch, int[] order, int batchCount, CancellationToken cancellation)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        // Unbounded in type, bounded in practice: only the samples of the Prefetch pending batches are ever queued.
        using var work = new BlockingCollection<(PendingBatch Batch, int Slot)>();
        var workers = Enumerable.Range(0, Options.WorkerCount)
            // No token for StartNew: a task cancelled before it starts would make Task.WaitAll throw.
            .Select(_ => Task.Factory.StartNew(() => Work(work, stop.Token), CancellationToken.None,
                TaskCreationOptions.LongRunning, TaskScheduler.Default))
            .ToArray();
        var pending = new Queue<PendingBatch>();
        int next = 0;
        try
        {
            while (true)
            {
                while (pending.Count < Options.Prefetch && next < batchCount)
                {
                    var batch = new PendingBatch(NewBatch(epoch, next++, order));
                    int held = Interlocked.Increment(ref _pendingBatches);
                    InterlockedMax(ref _peakPendingBatches, held);
                    pending.Enqueue(batch);
                    for (int slot = 0; slot < batch.Batch.Count; slot++) work.Add((batch, slot), stop.Token);
                }
                if (pending.Count == 0) yield break;

                var ready = pending.Dequeue();
                ready.Wait(stop.Token);
                Interlocked.Decrement(ref _pendingBatches);
                yield return ready.Batch;
            }
        }
        finally
        {
            stop.Cancel();
            work.CompleteAdding();
            // The workers stop between samples; waiting here means no thread still writes into a batch, or reads
            // files, once the consumer has moved on.
            Task.WaitAll(workers);
            Interlocked.Add(ref _pendingBatches, -pending.Count);
        }
    }

    private void Work(BlockingCollection<(PendingBatch Batch, int Slot)> work, CancellationToken stop)
    {
        try
        {
            foreach (var (batch, slot) in work.GetConsumingEnumerable(stop))
            {
                if (batch.HasFailed) { batch.SlotDone(); continue; }
                try
                {
                    LoadSample(batch.Batch, slot);
                    batch.SlotDone();
                }
                catch (Exception e)
                {
                    batch.Fail(e);
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // The epoch ended early; the consumer is already gone.
        }
    }

    private Batch NewBatch(int epoch, int number, int[] order)
    {
        int start = number * Options.BatchSize;
        int count = Math.Min(Options.BatchSize, order.Length - start);
        var indices = order.AsSpan(start, count).ToArray();
        var ids = indices.Select(i => Dataset[i].Id).ToArray();
        return new Batch(epoch, number, indices, ids, Dataset.Height, Dataset.Width);
    }

    private void LoadSample(Batch batch, int slot)
    {
        int index = batch.SampleIndices[slot];
        var random = SampleRandom.ForSample(Options.Seed, batch.Epoch, index);
        Dataset.LoadInto(index, random, batch.ImageOf(slot), batch.MaskOf(slot), Timings);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while (value > (current = Volatile.Read(ref target)) &&
               Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }

    /// <summary>A batch being filled by the workers; complete when every slot is loaded or one has failed.</summary>
    private sealed class PendingBatch(Batch batch)
    {
        // Never disposed: workers may still signal it after the consumer moved on, and a ManualResetEventSlim
        // whose WaitHandle is never asked for holds no operating-system handle.
        private readonly ManualResetEventSlim _done = new(false);
        private int _remaining = batch.Count;
        private ExceptionDispatchInfo? _failure;

        public Batch Batch { get; } = batch;

        public bool HasFailed => Volatile.Read(ref _failure) is not null;

        public void SlotDone()
        {
            if (Interlocked.Decrement(ref _remaining) == 0) _done.Set();
        }

        public void Fail(Exception e)
        {
            Interlocked.CompareExchange(ref _failure, ExceptionDispatchInfo.Capture(e), null);
            _done.Set();
        }

        /// <summary>Blocks until the batch is complete; rethrows a worker's exception with its own type and stack.</summary>
        public void Wait(CancellationToken cancellation)
        {
            _done.Wait(cancellation);
            Volatile.Read(ref _failure)?.Throw();
        }
    }
}
