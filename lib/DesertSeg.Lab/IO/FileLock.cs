namespace DesertSeg.Lab.IO;

/// <summary>
/// An exclusively opened file as a lock across processes (a run folder's trainer, a synthetic data set's writer). The
/// operating system releases it when its holder ends, however it ends, so a killed process never leaves it held.
/// </summary>
public static class FileLock
{
    /// <summary>Holds <paramref name="path"/>, waiting while another holds it (<paramref name="waiting"/> is called once).</summary>
    /// <exception cref="OperationCanceledException">Cancelled while waiting.</exception>
    public static FileStream Acquire(string path, CancellationToken cancellation = default, Action? waiting = null)
    {
        bool told = false;
        while (true)
        {
            cancellation.ThrowIfCancellationRequested();
            if (TryAcquire(path) is { } held) return held;
            if (!told) waiting?.Invoke();
            told = true;
            cancellation.WaitHandle.WaitOne(TimeSpan.FromMilliseconds(500));
        }
    }

    /// <summary>Holds <paramref name="path"/> if no one does, else returns null at once.</summary>
    public static FileStream? TryAcquire(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        try
        {
            return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException) when (File.Exists(path))
        {
            return null;
        }
    }
}
