using DesertSeg.Lab.IO;
using OpenCvSharp;

namespace DesertSeg.Lab.Data.Audit;

/// <summary>
/// Reads every image and mask of a data set once and gathers the statistics of the report's data
/// audit: pairing, sizes, mask formats and values, class shares, mean RGB and per-channel histograms.
/// Bad files do not stop the audit: each becomes an <see cref="AuditProblem"/> naming the file.
/// </summary>
public static class DatasetAuditor
{
    /// <summary>Audits every split of a data set; <paramref name="progress"/> counts files read.</summary>
    public static DatasetAudit Audit(FalconDataset dataset, IProgress<int>? progress = null,
        int maxParallelism = 0, CancellationToken cancellation = default)
    {
        var splits = dataset.Splits
            .Select(s => AuditSplit(s, progress, maxParallelism, cancellation))
            .ToList();
        return new DatasetAudit(dataset.Root, splits);
    }

    /// <summary>Number of files (images plus masks) an audit reads, for progress bars.</summary>
    public static int FileCount(FalconDataset dataset) =>
        dataset.Splits.Sum(s => s.Pairs.Count * (s.HasMasks ? 2 : 1) + s.ImagesWithoutMask.Count + s.MasksWithoutImage.Count);

    public static SplitAudit AuditSplit(DataSplit split, IProgress<int>? progress = null,
        int maxParallelism = 0, CancellationToken cancellation = default)
    {
        // Unpaired files are still read: their content is part of the data set's statistics.
        var work = split.Pairs.Select(p => (Image: (string?)p.ImagePath, Mask: p.MaskPath))
            .Concat(split.ImagesWithoutMask.Select(i => (Image: (string?)i, Mask: (string?)null)))
            .Concat(split.MasksWithoutImage.Select(m => (Image: (string?)null, Mask: (string?)m)))
            .ToList();

        var total = new Accumulator();
        var options = new ParallelOptions
        {
            MaxDegreeOfParallelism = maxParallelism > 0 ? maxParallelism : Environment.ProcessorCount,
            CancellationToken = cancellation,
        };
        int done = 0;
        Parallel.ForEach(work, options, () => new Accumulator(), (item, _, local) =>
        {
            local.Add(item.Image, item.Mask);
            int files = (item.Image is null ? 0 : 1) + (item.Mask is null ? 0 : 1);
            progress?.Report(Interlocked.Add(ref done, files));
            return local;
        }, local => { lock (total) total.Merge(local); });

        var problems = total.Problems.OrderBy(p => p.Path, StringComparer.Ordinal).ToList();
        problems.AddRange(split.ImagesWithoutMask.Where(_ => split.HasMasks)
            .Select(p => new AuditProblem(p, "image has no mask of the same name.")));
        problems.AddRange(split.MasksWithoutImage.Select(p => new AuditProblem(p, "mask has no image of the same name.")));

        long classified = FalconClass.All.Sum(c => total.ValueCounts[c.RawValue]);
        var classes = FalconClass.All
            .Select((c, k) => new ClassPixels(c, total.ValueCounts[c.RawValue],
                classified > 0 ? (double)total.ValueCounts[c.RawValue] / classified : 0,
                MeanColor(total.ClassColorSums[k], total.ValueCounts[c.RawValue])))
            .ToList();
        var values = new SortedDictionary<int, long>();
        for (int v = 0; v < total.ValueCounts.Length; v++)
            if (total.ValueCounts[v] > 0) values[v] = total.ValueCounts[v];
        long rgbPixels = total.ImagePixels;
        double[] mean = rgbPixels > 0
            ? [total.ChannelSums[0] / (double)rgbPixels, total.ChannelSums[1] / (double)rgbPixels, total.ChannelSums[2] / (double)rgbPixels]
            : [double.NaN, double.NaN, double.NaN];

        return new SplitAudit(split.Name, split.Pairs.Count, split.HasMasks ? split.ImagesWithoutMask : [], split.MasksWithoutImage,
            total.ImagesRead, total.MasksRead, total.ImageSizes, total.MaskFormats, values, classes, mean,
            total.Histograms, problems);
    }

    /// <summary>Mean RGB of a class's pixels, or null when it has none (or its images could not be read).</summary>
    private static double[]? MeanColor(long[] sums, long pixels) =>
        pixels > 0 && sums.Sum() > 0 ? [sums[0] / (double)pixels, sums[1] / (double)pixels, sums[2] / (double)pixels] : null;

    /// <summary>Statistics of the files one worker has read; merged at the end.</summary>
    private sealed class Accumulator
    {
        public readonly long[] ValueCounts = new long[ushort.MaxValue + 1];
        public readonly long[] ChannelSums = new long[3];
        public readonly long[][] Histograms = [new long[256], new long[256], new long[256]];
        public readonly long[][] ClassColorSums = FalconClass.All.Select(_ => new long[3]).ToArray();
        public readonly Dictionary<string, int> ImageSizes = [];
        public readonly Dictionary<string, int> MaskFormats = [];
        public readonly List<AuditProblem> Problems = [];
        public long ImagePixels;
        public int ImagesRead, MasksRead;

        public void Add(string? imagePath, string? maskPath)
        {
            RawMask? mask = null;
            if (maskPath is not null) mask = Try(maskPath, () => ReadMask(maskPath));
            (int W, int H)? imageSize = imagePath is null ? null : Try(imagePath, () => AddImage(imagePath, mask));
            if (imageSize is { } i && mask is not null && (mask.Width, mask.Height) != i)
                Problems.Add(new AuditProblem(maskPath!,
                    $"mask is {mask.Width}x{mask.Height} but its image {Path.GetFileName(imagePath)} is {i.W}x{i.H}."));
        }

        private T? Try<T>(string path, Func<T> read)
        {
            try { return read(); }
            catch (DataFormatException e) { Problems.Add(new AuditProblem(e.Path, e.Problem)); return default; }
        }

        /// <summary>Histograms and sums of an image; with a mask of the same size, also each class's colour sums.</summary>
        private unsafe (int, int)? AddImage(string path, RawMask? mask)
        {
            using var bgr = ImageFiles.ReadMat(path, ImreadModes.Color);
            using var continuous = bgr.IsContinuous() ? null : bgr.Clone();
            var mat = continuous ?? bgr;
            long n = (long)mat.Rows * mat.Cols;
            byte* p = (byte*)mat.Data;
            long[] hb = Histograms[2], hg = Histograms[1], hr = Histograms[0];
            long sb = 0, sg = 0, sr = 0;
            bool byClass = mask is not null && mask.Width == mat.Cols && mask.Height == mat.Rows;
            var lut = ClassScheme.TenClass.LookUpTable;
            ushort[]? values = mask?.Values;
            for (long i = 0; i < n; i++, p += 3)
            {
                byte b = p[0], g = p[1], r = p[2];
                hb[b]++; hg[g]++; hr[r]++;
                sb += b; sg += g; sr += r;
                if (byClass)
                {
                    int k = lut[Math.Min((int)values![i], FalconClass.MaxRawValue)];
                    if (k != ClassScheme.Ignore) { var sums = ClassColorSums[k]; sums[0] += r; sums[1] += g; sums[2] += b; }
                }
            }
            ChannelSums[0] += sr; ChannelSums[1] += sg; ChannelSums[2] += sb;
            ImagePixels += n;
            ImagesRead++;
            Count(ImageSizes, $"{mat.Cols}x{mat.Rows}");
            return (mat.Cols, mat.Rows);
        }

        private RawMask ReadMask(string path)
        {
            using var mat = ImageFiles.ReadMat(path, ImreadModes.Unchanged);
            Count(MaskFormats, MaskFiles.FormatOf(mat));
            var mask = MaskFiles.FromMat(path, mat);
            foreach (ushort v in mask.Values) ValueCounts[v]++;
            MasksRead++;
            return mask;
        }

        public void Merge(Accumulator other)
        {
            for (int v = 0; v < ValueCounts.Length; v++) ValueCounts[v] += other.ValueCounts[v];
            for (int c = 0; c < 3; c++)
            {
                ChannelSums[c] += other.ChannelSums[c];
                for (int b = 0; b < 256; b++) Histograms[c][b] += other.Histograms[c][b];
                for (int k = 0; k < ClassColorSums.Length; k++) ClassColorSums[k][c] += other.ClassColorSums[k][c];
            }
            foreach (var (k, v) in other.ImageSizes) Count(ImageSizes, k, v);
            foreach (var (k, v) in other.MaskFormats) Count(MaskFormats, k, v);
            Problems.AddRange(other.Problems);
            ImagePixels += other.ImagePixels;
            ImagesRead += other.ImagesRead;
            MasksRead += other.MasksRead;
        }

        private static void Count(Dictionary<string, int> counts, string key, int by = 1) =>
            counts[key] = counts.GetValueOrDefault(key) + by;
    }
}
