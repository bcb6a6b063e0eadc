namespace DesertSeg.Lab.IO;

/// <summary>
/// Options for every <c>Parallel</c> loop of the library: at most one worker per core. Without the cap a loop takes every
/// thread the pool has, and in the main job the pool has grown (threads blocked on child trainings and the plan's gate):
/// the label-free bootstrap then ran ~30 draws at once, each gathering its own per-pixel arrays, and the job process
/// committed 4 GB that the collector kept (issue 29; <c>estimates-memory</c> benchmark: 7.0 GB resident with 32 pool
/// threads, 1.1 GB with the cap).
/// </summary>
public static class BoundedParallelism
{
    public static ParallelOptions Options(CancellationToken cancellation = default) =>
        new() { MaxDegreeOfParallelism = Environment.ProcessorCount, CancellationToken = cancellation };
}
