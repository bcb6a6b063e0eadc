using TorchSharp;
using System.Security.Cryptography;
using System.Text;
using DesertSeg.Lab.Data;
using DesertSeg.Lab.Data.Augmentation;
using DesertSeg.Lab.IO;
using OpenCvSharp;
using static TorchSharp.torch;

namespace DesertSeg.Lab.Adaptation;

/// <summary>
/// Unlabelled images of the target domain, the only target data adaptation may use. Opened once and
/// checked whole (every file must decode) before any method runs, so a bad folder fails before anything is
/// written. Images are read on demand, resized to the model's input size.
/// </summary>
public sealed class TargetImages
{
    private readonly string[] _hashes;

    private TargetImages(string folder, IReadOnlyList<string> files, string[] hashes, string fingerprint)
    {
        Folder = folder;
        Files = files;
        _hashes = hashes;
        Fingerprint = fingerprint;
    }

    /// <summary>The folder the images came from.</summary>
    public string Folder { get; }

    /// <summary>Image files in ordinal order.</summary>
    public IReadOnlyList<string> Files { get; }

    public int Count => Files.Count;

    /// <summary>SHA-256 (16 hex digits) over the images' bytes: names a training run's target data.</summary>
    public string Fingerprint { get; }

    /// <summary>
    /// The images of <paramref name="folder"/> (a folder of images, or one holding Color_Images). A missing or empty
    /// folder and a file that does not decode raise <see cref="DataFormatException"/> naming it. A folder is read and
    /// hashed once per process while its files stay as they are (same names, sizes and times).
    /// </summary>
    public static TargetImages Open(string folder)
    {
        folder = Path.GetFullPath(folder);
        if (!Directory.Exists(folder))
            throw new DataFormatException(folder,
                File.Exists(folder) ? "is a file; --target needs a folder of target-domain images." : "target folder not found.");
        string images = Directory.Exists(Path.Combine(folder, FalconLayout.Images)) ? Path.Combine(folder, FalconLayout.Images) : folder;
        var files = Directory.EnumerateFiles(images).Where(ImageFiles.IsImageFile).OrderBy(f => f, StringComparer.Ordinal).ToList();
        if (files.Count == 0)
            throw new DataFormatException(images, "no target images (.png/.jpg) in this folder.");
        string listing = Listing(files);
        lock (Opened)
            if (Opened.TryGetValue(images, out var known) && known.Listing == listing) return known.Images;
        var opened = Read(images, files);
        lock (Opened) Opened[images] = (listing, opened);
        return opened;
    }

    private static readonly Dictionary<string, (string Listing, TargetImages Images)> Opened = [];

    /// <summary>Names, sizes and write times of the files: a changed file changes it.</summary>
    private static string Listing(IEnumerable<string> files) =>
        string.Join("|", files.Select(f => new FileInfo(f)).Select(i => $"{i.FullName}:{i.Length}:{i.LastWriteTimeUtc.Ticks}"));

    private static TargetImages Read(string images, List<string> files)
    {
        // Each file is read once: decoded (to fail now on a corrupt one) and hashed (for the overlap check and the fingerprint).
        var hashes = new string[files.Count];
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        for (int i = 0; i < files.Count; i++)
        {
            byte[] bytes = File.ReadAllBytes(files[i]);
            using (var decoded = ImageFiles.Decode(files[i], bytes, ImreadModes.Color, refuseMasks: true)) { }
            hashes[i] = HashOf(bytes);
            hash.AppendData(bytes);
        }
        return new TargetImages(images, files, hashes, Convert.ToHexString(hash.GetHashAndReset())[..16].ToLowerInvariant());
    }

    /// <summary>How people call these images: the folder's name, or its parent's for a Color_Images folder ("unlabelled").</summary>
    public string Name
    {
        get
        {
            string folder = Folder.TrimEnd(Path.DirectorySeparatorChar);
            string name = Path.GetFileName(folder);
            return name == FalconLayout.Images ? Path.GetFileName(Path.GetDirectoryName(folder)) ?? name : name;
        }
    }

    /// <summary>What a run's configuration records of these images.</summary>
    public TargetBinding Bind(bool transductive) => new(Name, Fingerprint, transductive);

    /// <summary>
    /// Refuses target images that are also in the split the adapted model will be scored on (same bytes), unless
    /// <paramref name="transductive"/>: adapting on the test images themselves is a different protocol and must be labelled so.
    /// </summary>
    /// <exception cref="TargetOverlapException">Some target image is a scored image.</exception>
    public void CheckDisjointFrom(DataSplit scored, bool transductive)
    {
        if (transductive) return;
        var scoredFiles = scored.Pairs.Select(p => p.ImagePath).Concat(scored.ImagesWithoutMask).ToList();
        string checkedKey = Fingerprint + "|" + Listing(scoredFiles);
        lock (CheckedDisjoint) if (CheckedDisjoint.Contains(checkedKey)) return;
        var scoredHashes = new Dictionary<string, string>();
        foreach (var path in scoredFiles)
            scoredHashes.TryAdd(HashOf(File.ReadAllBytes(path)), path);
        var overlap = Enumerable.Range(0, Count).Where(i => scoredHashes.ContainsKey(_hashes[i])).ToList();
        if (overlap.Count > 0)
            throw new TargetOverlapException(Files[overlap[0]],
                $"is also in the scored split '{scored.Name}' ({scoredHashes[_hashes[overlap[0]]]}); " +
                $"{overlap.Count} of {Count} target images are. " +
                "Adapt on images disjoint from the ones you score, or pass --transductive (every output is then labelled transductive).");
        lock (CheckedDisjoint) CheckedDisjoint.Add(checkedKey);
    }

    private static readonly HashSet<string> CheckedDisjoint = [];

    private static string HashOf(byte[] bytes) => Convert.ToHexString(SHA256.HashData(bytes));

    /// <summary>Target image <paramref name="index"/> as 8-bit RGB, resized (bilinear) to
    /// <paramref name="height"/> x <paramref name="width"/>: a new Mat the caller owns.</summary>
    /// <remarks>
    /// A training run reads a target batch at every step (and FDA one target image per source image): the resized pixels
    /// are kept in memory, up to <see cref="ResizedBudgetBytes"/>, so that each file is decoded once per size, not once per
    /// step (the same bytes either way).
    /// </remarks>
    public Mat ReadRgb(int index, int height, int width)
    {
        if (_resized.TryGetValue((index, height, width), out var held))
            return ImageFiles.FromBytes(held, width, height, MatType.CV_8UC3);
        var mat = ImageFiles.ReadMat(Files[index], ImreadModes.Color);
        Cv2.CvtColor(mat, mat, ColorConversionCodes.BGR2RGB);
        if (mat.Width != width || mat.Height != height)
        {
            var resized = new Mat();
            Cv2.Resize(mat, resized, new OpenCvSharp.Size(width, height), 0, 0, InterpolationFlags.Linear);
            mat.Dispose();
            mat = resized;
        }
        long size = 3L * width * height;
        if (Interlocked.Add(ref _resizedBytes, size) <= ResizedBudgetBytes)
        {
            if (!_resized.TryAdd((index, height, width), ImageFiles.ToBytes(mat))) Interlocked.Add(ref _resizedBytes, -size);
        }
        else Interlocked.Add(ref _resizedBytes, -size);
        return mat;
    }

    /// <summary>Memory the resized target images of one folder may take (256 MB: 2,000 images at 144x256, 190 at 512x896).</summary>
    public const long ResizedBudgetBytes = 256L * 1024 * 1024;

    private readonly System.Collections.Concurrent.ConcurrentDictionary<(int Index, int Height, int Width), byte[]> _resized = new();
    private long _resizedBytes;

    /// <summary>Normalised images (ImageNet statistics) N x 3 x H x W on <paramref name="device"/>,
    /// in the caller's dispose scope.</summary>
    public Tensor Batch(IReadOnlyList<int> indices, int height, int width, Device device)
    {
        var chw = new float[indices.Count * 3 * height * width];
        Parallel.For(0, indices.Count, IO.BoundedParallelism.Options(), k =>
        {
            using var rgb = ReadRgb(indices[k], height, width);
            Normalization.ImageNet.ToChw(rgb, chw.AsSpan(k * 3 * height * width, 3 * height * width));
        });
        var batch = tensor(chw, [indices.Count, 3, height, width], ScalarType.Float32, device: CPU);
        if (device.type == DeviceType.CPU) return batch;
        using (batch) return batch.to(device);
    }

    /// <summary>The images in batches (file order, the last one possibly smaller): indices of each batch.</summary>
    public IEnumerable<int[]> Batches(int batchSize)
    {
        for (int start = 0; start < Count; start += batchSize)
            yield return Enumerable.Range(start, Math.Min(batchSize, Count - start)).ToArray();
    }

    /// <summary>A batch of <paramref name="batchSize"/> indices drawn with <paramref name="random"/>
    /// (with replacement across batches).</summary>
    public int[] Draw(SampleRandom random, int batchSize) =>
        Enumerable.Range(0, batchSize).Select(_ => random.NextInt(0, Count - 1)).ToArray();
}

/// <summary>Target images overlap the images that will be scored (and <c>--transductive</c> was not given).</summary>
public sealed class TargetOverlapException(string path, string problem) : DataFormatException(path, problem);
