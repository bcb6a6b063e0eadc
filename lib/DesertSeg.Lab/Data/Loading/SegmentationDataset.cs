using System.Diagnostics;
using DesertSeg.Lab.Data.Augmentation;
using DesertSeg.Lab.IO;
using OpenCvSharp;

namespace DesertSeg.Lab.Data.Loading;

/// <summary>One loaded sample: normalised CHW image and class-index mask (255 = ignore), both Height x Width.</summary>
public sealed record SegmentationSample(string Id, int Height, int Width, float[] Image, byte[] Mask);

/// <summary>
/// A split with ground truth, a class scheme and an augmentation pipeline: turns sample i into a normalised
/// float CHW image and a class-index mask of the pipeline's output size. Thread-safe: workers share it.
/// </summary>
public sealed class SegmentationDataset
{
    public SegmentationDataset(DataSplit split, ClassScheme scheme, AugmentationPipeline pipeline)
    {
        Split = split.RequireComplete();
        Scheme = scheme;
        Pipeline = pipeline;
    }

    public DataSplit Split { get; }
    public ClassScheme Scheme { get; }
    public AugmentationPipeline Pipeline { get; }
    public int Count => Split.Count;
    public int Height => Pipeline.Height;
    public int Width => Pipeline.Width;

    /// <summary>Values of one image in CHW (3 * Height * Width).</summary>
    public int ImageLength => 3 * Height * Width;

    /// <summary>Values of one mask (Height * Width).</summary>
    public int MaskLength => Height * Width;

    public SamplePair this[int index] => Split.Pairs[index];

    /// <summary>Loads sample <paramref name="index"/> augmented as in epoch <paramref name="epoch"/> of a run seeded
    /// <paramref name="seed"/>.</summary>
    public SegmentationSample Load(int index, long seed, int epoch)
    {
        var image = new float[ImageLength];
        var mask = new byte[MaskLength];
        LoadInto(index, SampleRandom.ForSample(seed, epoch, index), image, mask);
        return new SegmentationSample(this[index].Id, Height, Width, image, mask);
    }

    /// <summary>
    /// Decodes, remaps, augments and normalises sample <paramref name="index"/> into caller-owned buffers.
    /// Unreadable files raise <see cref="DataFormatException"/> naming the file.
    /// </summary>
    public void LoadInto(int index, SampleRandom random, Span<float> image, Span<byte> mask, StageTimings? timings = null)
    {
        var pair = this[index];
        long start = Stopwatch.GetTimestamp();
        long imageDone = 0;
        var (rgb, indices) = DecodedPairCache.Get(pair, Scheme.RemapKey, () => ReadRgb(pair.ImagePath), size =>
        {
            imageDone = Stopwatch.GetTimestamp();
            return ReadIndexMask(pair.MaskPath!, size);
        });
        long maskDone = Stopwatch.GetTimestamp();
        if (imageDone == 0) imageDone = maskDone; // the mask was held in memory: its copy counts with the image

        using var sample = new AugmentedSample(rgb, indices, new Size(Width, Height));
        Pipeline.Augment(sample, random);
        long augmentDone = Stopwatch.GetTimestamp();
        Pipeline.Normalize(sample.Image, image);
        CopyMask(sample.Mask, mask);
        long normalizeDone = Stopwatch.GetTimestamp();

        if (timings is null) return;
        timings.Add(LoadStage.DecodeImage, imageDone - start);
        timings.Add(LoadStage.DecodeMask, maskDone - imageDone);
        timings.Add(LoadStage.Augment, augmentDone - maskDone);
        timings.Add(LoadStage.Normalize, normalizeDone - augmentDone);
    }

    private static Mat ReadRgb(string path)
    {
        var mat = ImageFiles.ReadMat(path, ImreadModes.Color);
        Cv2.CvtColor(mat, mat, ColorConversionCodes.BGR2RGB);
        return mat;
    }

    private unsafe Mat ReadIndexMask(string path, Size imageSize)
    {
        var raw = MaskFiles.ReadRaw(path);
        if (raw.Width != imageSize.Width || raw.Height != imageSize.Height)
            throw new DataFormatException(path,
                $"mask is {raw.Width}x{raw.Height} but its image is {imageSize.Width}x{imageSize.Height}.");
        var mat = new Mat(raw.Height, raw.Width, MatType.CV_8UC1);
        Scheme.Remap(raw.Values, new Span<byte>((void*)mat.Data, raw.Values.Length));
        return mat;
    }

    private static unsafe void CopyMask(Mat mask, Span<byte> destination)
    {
        using var continuous = mask.IsContinuous() ? null : mask.Clone();
        new ReadOnlySpan<byte>((void*)(continuous ?? mask).Data, destination.Length).CopyTo(destination);
    }
}
