using System.Runtime.InteropServices;

namespace DesertSeg.Lab.IO;

/// <summary>
/// A second name for a file that is never written in place: a hard link where the file system allows one, a copy
/// otherwise. A run's <c>last</c> and <c>best</c> checkpoints are the same bytes as an epoch's state model; linking
/// them saves two model files of disk and their writing time per epoch. Safe because every writer here replaces
/// a file by a rename (<see cref="AtomicFile"/>), which gives the new content a new inode and leaves other names of
/// the old one as they were; deleting one name keeps the bytes for the others.
/// </summary>
public static class FileLinks
{
    /// <summary>Makes <paramref name="destination"/> name the content of <paramref name="source"/>, atomically (a reader
    /// sees the old file or the new one, never half of one). Returns true when it is a hard link, false when copied.</summary>
    public static bool LinkOrCopy(string source, string destination)
    {
        bool linked = false;
        AtomicFile.WriteThroughTempPath(destination, temp =>
        {
            linked = TryHardLink(source, temp);
            if (!linked) File.Copy(source, temp, overwrite: true);
        });
        return linked;
    }

    private static bool TryHardLink(string source, string link)
    {
        try
        {
            return OperatingSystem.IsWindows()
                ? CreateHardLinkW(link, Path.GetFullPath(source), IntPtr.Zero)
                : Unix.link(Path.GetFullPath(source), link) == 0;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return false; // an unusual C library: copying is always right
        }
    }

    [DllImport("kernel32", CharSet = CharSet.Unicode, SetLastError = true)]
    private static extern bool CreateHardLinkW(string fileName, string existingFileName, IntPtr securityAttributes);

    private static class Unix
    {
        [DllImport("libc", SetLastError = true)]
        public static extern int link(string oldPath, string newPath);
    }
}
