using System.Runtime.InteropServices;

namespace DesertSeg.Lab.IO;

/// <summary>
/// glibc keeps freed blocks of the sizes LibTorch allocates per step (tens of MB, just under its dynamic
/// mmap threshold) in its heap instead of returning them, so a training process's resident memory grows by
/// hundreds of MB although no tensor leaks. Capping the mmap threshold makes such blocks mmap'ed and
/// returned on free (the same effect as MALLOC_MMAP_THRESHOLD_=131072, set from inside the process).
/// </summary>
public static class NativeMemory
{
    private const int M_MMAP_THRESHOLD = -3;
    private static int _configured;

    [DllImport("libc", EntryPoint = "mallopt")]
    private static extern int MallOpt(int parameter, int value);

    /// <summary>Applies the setting once per process; does nothing outside Linux/glibc.</summary>
    public static void ReturnFreedMemoryToSystem()
    {
        if (!OperatingSystem.IsLinux() || Interlocked.Exchange(ref _configured, 1) == 1) return;
        try { MallOpt(M_MMAP_THRESHOLD, 128 * 1024); }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException) { /* musl or no libc: nothing to tune */ }
    }
}
