using System.Runtime.InteropServices;

namespace DesertSeg.Lab.IO;

/// <summary>
/// glibc keeps freed blocks of the sizes LibTorch allocates per step (tens of MB) in its heap instead of
/// returning them, so a training process's resident memory grows by hundreds of MB although no tensor leaks.
/// <see cref="ReturnFreedMemoryToSystem"/> hands every free page back (malloc_trim), once per epoch: resident
/// memory then reflects what is really held, at no cost per step.
/// </summary>
/// <remarks>
/// The previous fix pinned the mmap threshold at 128 KB (MALLOC_MMAP_THRESHOLD_), which made every large
/// tensor a fresh mmap whose pages the kernel zero-fills on first touch: it doubled a quick-scale training step,
/// most of it system time (the measured figures are in environment.md, "Native memory").
/// </remarks>
public static class NativeMemory
{
    [DllImport("libc", EntryPoint = "malloc_trim")]
    private static extern int MallocTrim(nuint pad);

    /// <summary>Returns the heap's free pages to the system; does nothing outside Linux/glibc.</summary>
    public static void ReturnFreedMemoryToSystem()
    {
        if (!OperatingSystem.IsLinux()) return;
        try { MallocTrim(0); }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException) { /* musl or no libc: nothing to trim */ }
    }
}
