using System.Runtime.InteropServices;

namespace DesertSeg.Lab.IO;

/// <summary>
/// glibc keeps freed blocks of the sizes LibTorch allocates per step (tens of MB) in its heap instead of
/// returning them, so a training process's resident memory grows by hundreds of MB although no tensor leaks.
/// <see cref="ReturnFreedMemoryToSystem"/> hands every free page back (malloc_trim) where a process moves on to other work
/// (the trainer: when a training starts; the memory tests: before each reading).
/// </summary>
/// <remarks>
/// The previous fix pinned the mmap threshold at 128 KB (MALLOC_MMAP_THRESHOLD_), which made every large
/// tensor a fresh mmap whose pages the kernel zero-fills on first touch: it doubled a quick-scale training step,
/// most of it system time (the measured figures are in environment.md, "Native memory").
/// <para><see cref="KeepFreedBlocksForReuse"/> is the other half: between those trims, a freed tensor's pages stay in the heap
/// for the next step's tensors of the same sizes instead of going back to the kernel and coming back as fresh,
/// zero-filled pages (each a page fault, costly on a virtual machine). glibc's defaults map every block above a threshold
/// that starts at 128 KB afresh and trim the heap's top as soon as it passes twice that: the model benchmark's
/// ResNet-18 quick step took 400 000 to 600 000 minor page faults over 7 steps, 240 000 with the threshold at glibc's
/// maximum (32 MB, above every activation of the quick scale) and no automatic trimming, and the step went from
/// 1.00-1.17 s to 0.70-0.76 s with the same peak memory (A/B through GLIBC_TUNABLES, two rounds; with the in-process
/// setting a later run measured 0.87 s, this VM moving such figures by up to a third). The trainer trimmed after every epoch too, which faulted the
/// whole working set in again each epoch: a quick Phase 5 (3 epochs) took 2.6 million faults and 69-71 s before,
/// 0.44-0.45 million and 40 s with both changes (peak resident memory 1.72 -> 1.85 GB; same val mIoU to the last digit).
/// Measured on this project's 2-core AMD EPYC virtual machine.</para>
/// </remarks>
public static class NativeMemory
{
    [DllImport("libc", EntryPoint = "malloc_trim")]
    private static extern int MallocTrim(nuint pad);

    [DllImport("libc", EntryPoint = "mallopt")]
    private static extern int MallOpt(int parameter, int value);

    private const int TrimThreshold = -1, MmapThreshold = -3; // M_TRIM_THRESHOLD, M_MMAP_THRESHOLD (malloc.h)

    /// <summary>glibc's largest mmap threshold on 64-bit systems (DEFAULT_MMAP_THRESHOLD_MAX); larger values are refused.</summary>
    private const int LargestMmapThreshold = 32 * 1024 * 1024;

    private static readonly Lazy<bool> Kept = new(() =>
    {
        if (!OperatingSystem.IsLinux()) return false;
        try
        {
            // Both return 1 on success; setting either also stops glibc from adjusting them on its own.
            return MallOpt(MmapThreshold, LargestMmapThreshold) == 1 & MallOpt(TrimThreshold, int.MaxValue) == 1;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException) { return false; }
    }, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>
    /// Keeps freed blocks up to 32 MB in the heap for reuse until <see cref="ReturnFreedMemoryToSystem"/> (see the class
    /// remarks); once per process, before the first model. True where glibc took the settings; nothing outside Linux/glibc.
    /// </summary>
    public static bool KeepFreedBlocksForReuse() => Kept.Value;

    /// <summary>Returns the heap's free pages to the system; does nothing outside Linux/glibc.</summary>
    public static void ReturnFreedMemoryToSystem()
    {
        if (!OperatingSystem.IsLinux()) return;
        try { MallocTrim(0); }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException) { /* musl or no libc: nothing to trim */ }
    }
}
