namespace DesertSeg.Lab.Training;

/// <summary>
/// Holds a run folder for one trainer at a time, across processes: two notebooks (or a notebook and the CLI) asked for
/// the same run would otherwise train into one folder at once. The second waits until the first is done, then finds
/// the run finished (or resumable) and goes on from there. The lock is an exclusively opened file beside the run
/// folder (<c>.NAME.lock</c>: the run folder itself may be deleted and made again under it); the operating system
/// releases it when its holder ends, however it ends, so a killed process never leaves a run locked.
/// </summary>
public sealed class RunLock : IDisposable
{
    private readonly FileStream _file;

    private RunLock(FileStream file) => _file = file;

    /// <summary>The lock file of <paramref name="run"/>.</summary>
    public static string FileOf(RunDirectory run) =>
        Path.Combine(Path.GetDirectoryName(run.Path)!, "." + run.Name + ".lock");

    /// <summary>Takes the run's lock, waiting while another holds it (<paramref name="waiting"/> is told once).</summary>
    /// <exception cref="OperationCanceledException">Cancelled while waiting.</exception>
    public static RunLock Acquire(RunDirectory run, CancellationToken cancellation = default, Action<string>? waiting = null) =>
        new(IO.FileLock.Acquire(FileOf(run), cancellation,
            () => waiting?.Invoke($"{run.Name} is being trained by another process; waiting for it")));

    /// <summary>Takes the run's lock if no one holds it, else returns null at once.</summary>
    public static RunLock? TryAcquire(RunDirectory run) => IO.FileLock.TryAcquire(FileOf(run)) is { } held ? new RunLock(held) : null;

    public void Dispose() => _file.Dispose();
}
