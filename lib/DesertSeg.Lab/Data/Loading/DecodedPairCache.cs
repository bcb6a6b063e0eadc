using System.Collections.Concurrent;
using DesertSeg.Lab.IO;
using OpenCvSharp;

namespace DesertSeg.Lab.Data.Loading;

/// <summary>
/// Decoded training pairs (RGB pixels and the class-index mask of a scheme) kept in memory for the whole process, up to a
/// budget, so that the main job's many trainings and validation passes over the same split decode each PNG once instead of
/// once per epoch. On 2 cores decoding competes with LibTorch's threads: a 960x540 pair costs about 15 ms to decode and
/// remap, a fifth of the loader's work and time taken from the model's step.
/// </summary>
/// <remarks>
/// What comes out is byte for byte what decoding gives (the cache holds the decoder's own output), so no result depends on it.
/// An entry is keyed by both files' paths, lengths and write times and the class scheme: a file rewritten in place is decoded
/// again. When the budget is full, further pairs are simply decoded each time (no eviction: an epoch visits every pair, so
/// least-recently-used eviction would only churn). The budget is <see cref="DefaultBudgetMegabytes"/> MB unless
/// DESERTSEG_DECODE_CACHE_MB says otherwise (0 turns the cache off); the embedded data set's train and val splits take
/// about 400 MB.
/// </remarks>
public static class DecodedPairCache
{
    public const int DefaultBudgetMegabytes = 512;

    private sealed record Entry(int Width, int Height, byte[] Rgb, byte[] Indices);

    private static readonly ConcurrentDictionary<string, Entry> Entries = new();
    private static long _bytes;

    /// <summary>Bytes the cache may hold.</summary>
    public static long BudgetBytes { get; set; } =
        (long.TryParse(Environment.GetEnvironmentVariable("DESERTSEG_DECODE_CACHE_MB"), out long mb) ? mb : DefaultBudgetMegabytes)
        * 1024 * 1024;

    /// <summary>Bytes held now.</summary>
    public static long Bytes => Interlocked.Read(ref _bytes);

    /// <summary>Pairs held now.</summary>
    public static int Count => Entries.Count;

    /// <summary>Empties the cache (tests; a notebook that wants its memory back).</summary>
    public static void Clear()
    {
        Entries.Clear();
        Interlocked.Exchange(ref _bytes, 0);
    }

    /// <summary>
    /// The pair's RGB image and class-index mask as new Mats the caller owns, from memory when held, else from
    /// <paramref name="decode"/> (which may throw, naming the file), keeping the result when the budget allows.
    /// </summary>
    public static (Mat Rgb, Mat Indices) Get(SamplePair pair, string scheme, Func<(Mat Rgb, Mat Indices)> decode)
    {
        string? key = BudgetBytes > 0 ? Key(pair, scheme) : null;
        if (key is not null && Entries.TryGetValue(key, out var held))
            return (ImageFiles.FromBytes(held.Rgb, held.Width, held.Height, MatType.CV_8UC3),
                ImageFiles.FromBytes(held.Indices, held.Width, held.Height, MatType.CV_8UC1));
        var (rgb, indices) = decode();
        if (key is null) return (rgb, indices);
        long size = (long)rgb.Width * rgb.Height * 4;
        if (Interlocked.Add(ref _bytes, size) <= BudgetBytes)
        {
            var entry = new Entry(rgb.Width, rgb.Height, ImageFiles.ToBytes(rgb), ImageFiles.ToBytes(indices));
            if (!Entries.TryAdd(key, entry)) Interlocked.Add(ref _bytes, -size); // another worker decoded it too
        }
        else Interlocked.Add(ref _bytes, -size);
        return (rgb, indices);
    }

    private static string Key(SamplePair pair, string scheme)
    {
        var image = new FileInfo(pair.ImagePath);
        var mask = new FileInfo(pair.MaskPath!);
        // A missing file keeps its own key (length -1), and decoding then names it.
        static string Stamp(FileInfo f) => f.Exists ? $"{f.Length}@{f.LastWriteTimeUtc.Ticks}" : "-1";
        return $"{scheme}|{image.FullName}|{Stamp(image)}|{mask.FullName}|{Stamp(mask)}";
    }
}
