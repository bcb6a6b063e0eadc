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
    public static RunLock Acquire(RunDirectory run, CancellationToken cancellation = default, Action<string>? waiting = null)
    {
        string path = FileOf(run);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        bool told = false;
        while (true)
        {
            cancellation.ThrowIfCancellationRequested();
            try
            {
                return new RunLock(new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
            }
            catch (IOException) when (File.Exists(path))
            {
                if (!told) waiting?.Invoke($"{run.Name} is being trained by another process; waiting for it");
                told = true;
                cancellation.WaitHandle.WaitOne(TimeSpan.FromMilliseconds(500));
            }
        }
    }

    /// <summary>Takes the run's lock if no one holds it, else returns null at once.</summary>
    public static RunLock? TryAcquire(RunDirectory run)
    {
        string path = FileOf(run);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        try
        {
            return new RunLock(new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
        }
        catch (IOException) when (File.Exists(path))
        {
            return null;
        }
    }

    public void Dispose() => _file.Dispose();
}
