using static TorchSharp.torch;

namespace DesertSeg.Lab.Devices;

/// <summary>
/// LibTorch's intra-op thread count for a stretch of work, then the previous count again. The count is process-wide for
/// threads that start using LibTorch afterwards (each thread takes it on its first operation), which is why a training sets
/// it before its loader starts.
/// </summary>
/// <remarks>
/// A training's numbers depend on this count in their last digits (reductions split their sums by thread), as they depend on
/// the CPU: a run trained with one thread and the same run trained with two agree to about the fourth digit of its losses.
/// </remarks>
public sealed class LibTorchThreads : IDisposable
{
    private readonly int _previous;

    private LibTorchThreads(int threads)
    {
        _previous = get_num_threads();
        set_num_threads(threads);
    }

    /// <summary>Uses <paramref name="threads"/> until disposed; null changes nothing.</summary>
    public static IDisposable Use(int? threads)
    {
        if (threads is not { } n) return new Nothing();
        if (n < 1) throw new ArgumentOutOfRangeException(nameof(threads), $"A thread count must be positive, got {n}.");
        return new LibTorchThreads(n);
    }

    public void Dispose() => set_num_threads(_previous);

    private sealed class Nothing : IDisposable
    {
        public void Dispose() { }
    }
}
