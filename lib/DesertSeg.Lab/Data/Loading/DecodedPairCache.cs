using System.Collections.Concurrent;
using OpenCvSharp;

namespace DesertSeg.Lab.Data.Loading;

/// <summary>
/// Decoded images (RGB pixels) and masks (class indices of a scheme) kept in memory for the whole process, up to a budget,
/// so that the main job's many trainings, validation passes and scorings of the same splits decode each PNG once instead
/// of once per epoch and once per score. On 2 cores decoding competes with LibTorch's threads: a 960x540 pair costs about
/// 15 ms to decode and remap, a fifth of the loader's work, and a quarter of scoring the test split at native resolution
/// (ScoringBenchmark, test split: 4.4-4.5 s per repeat without the cache, 3.5-3.7 s from it).
/// </summary>
/// <remarks>
/// What comes out is byte for byte what decoding gives (the cache holds the decoder's own output), so no result depends on it.
/// An image is held once whatever the scheme (1.5 MB at 960x540); its mask once per scheme (0.5 MB), because Phases 2/3
/// (10 classes) and Phase 5 (7) read the same files. Entries are keyed by the file's path, length and write time (and the
/// scheme): a file rewritten in place is decoded again. When the budget is full, further files are simply decoded each time
/// (no eviction: an epoch visits every pair, so least-recently-used eviction would only churn). The budget is
/// <see cref="DefaultBudgetMegabytes"/> MB unless DESERTSEG_DECODE_CACHE_MB says otherwise (0 turns the cache off): the
/// embedded data set's train, val and test images with their masks in the 10-class, 7-class and merged schemes take about
/// 650 MB.
/// </remarks>
public static class DecodedPairCache
{
    public const int DefaultBudgetMegabytes = 768;

    /// <summary>
    /// A decoded file's pixels in native memory (never freed but by <see cref="Clear"/>). Not in a managed array: the garbage
    /// collector sizes its full-collection budget by what survives, so 400 MB of long-lived arrays let as much garbage pile
    /// up again before a collection; a quick Phase-5 training peaked at 2.00 GB with managed entries against 1.19 GB
    /// without the cache.
    /// </summary>
    private sealed unsafe record Entry(int Width, int Height, MatType Type, nint Pixels, long Length)
    {
        public Mat ToMat()
        {
            var mat = new Mat(Height, Width, Type);
            Buffer.MemoryCopy((void*)Pixels, (void*)mat.Data, Length, Length);
            return mat;
        }

        public static Entry Of(Mat mat)
        {
            using var continuous = mat.IsContinuous() ? null : mat.Clone();
            long length = (long)mat.Rows * mat.Cols * mat.ElemSize();
            nint pixels = (nint)System.Runtime.InteropServices.NativeMemory.Alloc((nuint)length);
            Buffer.MemoryCopy((void*)(continuous ?? mat).Data, (void*)pixels, length, length);
            return new Entry(mat.Width, mat.Height, mat.Type(), pixels, length);
        }

        public void Free() => System.Runtime.InteropServices.NativeMemory.Free((void*)Pixels);
    }

    private static readonly ConcurrentDictionary<string, Entry> Entries = new();
    private static long _bytes;

    /// <summary>Bytes the cache may hold.</summary>
    public static long BudgetBytes { get; set; } =
        (long.TryParse(Environment.GetEnvironmentVariable("DESERTSEG_DECODE_CACHE_MB"), out long mb) ? mb : DefaultBudgetMegabytes)
        * 1024 * 1024;

    /// <summary>Bytes held now.</summary>
    public static long Bytes => Interlocked.Read(ref _bytes);

    /// <summary>Images and masks held now.</summary>
    public static int Count => Entries.Count;

    /// <summary>Empties the cache (tests; a notebook that wants its memory back).</summary>
    public static void Clear()
    {
        foreach (var key in Entries.Keys)
            if (Entries.TryRemove(key, out var entry))
            {
                Interlocked.Add(ref _bytes, -entry.Length);
                entry.Free();
            }
    }

    /// <summary>
    /// The pair's RGB image and class-index mask in <paramref name="scheme"/> (<see cref="ClassScheme.RemapKey"/>) as new
    /// Mats the caller owns, each from memory when held, else from <paramref name="decodeImage"/> and
    /// <paramref name="decodeMask"/> (given the image's size to check it against; either may throw, naming the file),
    /// keeping what it decoded when the budget allows.
    /// </summary>
    public static (Mat Rgb, Mat Indices) Get(SamplePair pair, string scheme, Func<Mat> decodeImage, Func<Size, Mat> decodeMask)
    {
        var rgb = Get(Key("image", pair.ImagePath), decodeImage);
        try
        {
            return (rgb, Get(Key(scheme, pair.MaskPath!), () => decodeMask(rgb.Size())));
        }
        catch
        {
            rgb.Dispose();
            throw;
        }
    }

    private static Mat Get(string? key, Func<Mat> decode)
    {
        if (key is not null && Entries.TryGetValue(key, out var held))
            return held.ToMat();
        var mat = decode();
        if (key is null) return mat;
        long size = (long)mat.Rows * mat.Cols * mat.ElemSize();
        if (Interlocked.Add(ref _bytes, size) <= BudgetBytes)
        {
            var entry = Entry.Of(mat);
            if (!Entries.TryAdd(key, entry))
            {
                entry.Free(); // another thread decoded it too
                Interlocked.Add(ref _bytes, -size);
            }
        }
        else Interlocked.Add(ref _bytes, -size);
        return mat;
    }

    /// <summary>The key of a file's decoded content for a reader; null when the cache is off.</summary>
    private static string? Key(string reader, string path)
    {
        if (BudgetBytes <= 0) return null;
        var file = new FileInfo(path);
        // A missing file keeps its own key (length -1), and decoding then names it.
        string stamp = file.Exists ? $"{file.Length}@{file.LastWriteTimeUtc.Ticks}" : "-1";
        return $"{reader}|{file.FullName}|{stamp}";
    }
}
