namespace DesertSeg.Lab.IO;

/// <summary>
/// Writes files so that a reader (or a crash) never sees half of one: the content goes to a temporary
/// file in the same folder, which then replaces the target in one rename.
/// </summary>
public static class AtomicFile
{
    /// <summary>Calls <paramref name="write"/> with a temporary path, then moves it over <paramref name="path"/>.</summary>
    public static void WriteThroughTempPath(string path, Action<string> write)
    {
        string full = Path.GetFullPath(path);
        string folder = Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(folder);
        // Keep the extension: some writers (OpenCV) choose the format by it.
        string temp = Path.Combine(folder,
            $".{Path.GetFileNameWithoutExtension(full)}.{Guid.NewGuid():N}.tmp{Path.GetExtension(full)}");
        try
        {
            write(temp);
            File.Move(temp, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    /// <summary>
    /// Streams the content into the temporary file and flushes it to disk before the rename, so that a
    /// crash or a full disk during a save can never destroy the last good checkpoint.
    /// </summary>
    public static void Write(string path, Action<Stream> write) => WriteThroughTempPath(path, temp =>
    {
        using var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20);
        write(stream);
        stream.Flush(flushToDisk: true);
    });

    public static void WriteAllText(string path, string text) => WriteThroughTempPath(path, t => File.WriteAllText(t, text));

    public static void WriteAllBytes(string path, byte[] bytes) => WriteThroughTempPath(path, t => File.WriteAllBytes(t, bytes));
}
