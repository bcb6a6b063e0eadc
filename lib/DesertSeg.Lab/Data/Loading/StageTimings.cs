using System.Diagnostics;

namespace DesertSeg.Lab.Data.Loading;

/// <summary>The stages a sample goes through between PNG files and tensors.</summary>
public enum LoadStage { DecodeImage, DecodeMask, Augment, Normalize, Tensor }

/// <summary>
/// Time spent per loading stage, summed over all threads (so with two workers the sum can exceed wall time).
/// Thread-safe; meant for benchmarks and profiling, never required.
/// </summary>
public sealed class StageTimings
{
    private readonly long[] _ticks = new long[Enum.GetValues<LoadStage>().Length];

    public void Add(LoadStage stage, long stopwatchTicks) => Interlocked.Add(ref _ticks[(int)stage], stopwatchTicks);

    public TimeSpan this[LoadStage stage] => Stopwatch.GetElapsedTime(0, Interlocked.Read(ref _ticks[(int)stage]));

    public TimeSpan Total => Enum.GetValues<LoadStage>().Aggregate(TimeSpan.Zero, (sum, s) => sum + this[s]);

    public void Reset()
    {
        for (int i = 0; i < _ticks.Length; i++) Interlocked.Exchange(ref _ticks[i], 0);
    }
}
