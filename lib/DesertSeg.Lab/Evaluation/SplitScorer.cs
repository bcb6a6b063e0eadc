using DesertSeg.Lab.Data;
using DesertSeg.Lab.Data.Loading;
using DesertSeg.Lab.Inference;
using DesertSeg.Lab.IO;
using OpenCvSharp;

namespace DesertSeg.Lab.Evaluation;

/// <summary>How <see cref="SplitScorer"/> scores a model.</summary>
/// <param name="Protocol">Native resolution (default) or the original's input-size protocol.</param>
/// <param name="Prediction">TTA and absent-class suppression.</param>
/// <param name="Limit">Score at most this many images, evenly spaced over the split (null: all).</param>
/// <param name="BatchSize">Images per forward pass (a GPU wants several; the scores do not depend on it).</param>
public sealed record ScoringOptions(
    ScoringProtocol Protocol = ScoringProtocol.Native,
    PredictionOptions? Prediction = null,
    int? Limit = null,
    int BatchSize = 4)
{
    public PredictionOptions PredictionOrPlain => Prediction ?? PredictionOptions.Plain;
}

/// <summary>Scores a model on a split with ground truth, in batches of images, in the model's class scheme; every image keeps its
/// own confusion.</summary>
public static class SplitScorer
{
    public static SplitScore Score(Predictor predictor, DataSplit split, ScoringOptions? options = null,
        IProgress<int>? progress = null, CancellationToken cancellation = default)
    {
        options ??= new ScoringOptions();
        split = split.RequireComplete().Subset(options.Limit);
        if (split.Count == 0) throw new InvalidOperationException($"Split '{split.Name}' has no images to score.");
        var prediction = options.PredictionOrPlain;
        var scheme = predictor.Scheme;
        var total = new ConfusionMatrix(scheme.Count);
        var images = new List<ImageScore>(split.Count);

        if (options.BatchSize < 1) throw new ArgumentException($"Batch size must be positive, got {options.BatchSize}.");
        // Decoding the next batch of pairs overlaps the model's work on the current one.
        foreach (var (start, batch) in PrefetchedBatches.Of(split.Count, i => ReadPair(split.Pairs[i], scheme), options.BatchSize,
                     cancellation))
        {
            var sizes = batch.Select(b => options.Protocol == ScoringProtocol.Native
                ? (b.Image.Height, b.Image.Width)
                : (predictor.Height, predictor.Width)).ToList();
            var predictions = predictor.PredictIndices(batch.Select(b => b.Image).ToList(), sizes, prediction);
            for (int k = 0; k < batch.Length; k++)
            {
                var (image, truth) = batch[k];
                var pair = split.Pairs[start + k];
                if (options.Protocol == ScoringProtocol.InputSize)
                    truth = ResizeNearest(truth, image.Width, image.Height, predictor.Width, predictor.Height);
                var confusion = new ConfusionMatrix(scheme.Count);
                confusion.Add(predictions[k], truth);
                total.Add(confusion);
                images.Add(new ImageScore(pair.Id, pair.ImagePath, pair.MaskPath!, null, confusion));
                progress?.Report(start + k + 1);
            }
        }
        string method = $"{predictor.Source.Model.Encoder} {scheme.Name} model, {prediction}" +
            (predictor.Online is { } online ? $", {online.Describe()}" : "");
        return new SplitScore(split.Name, options.Protocol, scheme, method, total, images,
            options.Protocol == ScoringProtocol.InputSize ? predictor.Height : 0,
            options.Protocol == ScoringProtocol.InputSize ? predictor.Width : 0);
    }

    /// <summary>
    /// An image and its mask as class indices of <paramref name="scheme"/> (255: ignored), read through
    /// <see cref="DecodedPairCache"/>: the main job scores the same val and test pairs after every training and with every
    /// method, and each pair is then decoded once (the val pairs already were, by the trainings). The held bytes are what
    /// decoding gives, so no score depends on the cache.
    /// </summary>
    public static (RgbImage Image, byte[] Truth) ReadPair(SamplePair pair, ClassScheme scheme)
    {
        var (rgb, indices) = DecodedPairCache.Get(pair, scheme.RemapKey, () =>
        {
            var image = ImageFiles.ReadRgb(pair.ImagePath);
            return ImageFiles.FromBytes(image.Pixels, image.Width, image.Height, MatType.CV_8UC3);
        }, size =>
        {
            var raw = ReadMask(pair, size.Width, size.Height);
            return ImageFiles.FromBytes(scheme.Remap(raw.Values), raw.Width, raw.Height, MatType.CV_8UC1);
        });
        using (rgb)
        using (indices)
            return (new RgbImage(rgb.Width, rgb.Height, ImageFiles.ToBytes(rgb)), ImageFiles.ToBytes(indices));
    }

    /// <summary>An image and its mask, checked to be the same size (the error names the mask).</summary>
    public static (RgbImage Image, RawMask Mask) ReadPair(SamplePair pair)
    {
        var image = ImageFiles.ReadRgb(pair.ImagePath);
        return (image, ReadMask(pair, image.Width, image.Height));
    }

    private static RawMask ReadMask(SamplePair pair, int width, int height)
    {
        var mask = MaskFiles.ReadRaw(pair.MaskPath!);
        if (mask.Width != width || mask.Height != height)
            throw new DataFormatException(pair.MaskPath!,
                $"mask is {mask.Width}x{mask.Height} but its image {pair.ImagePath} is {width}x{height}.");
        return mask;
    }

    /// <summary>Nearest-neighbour resize of a class-index mask, as albumentations' Resize does masks (cv2.INTER_NEAREST).</summary>
    public static unsafe byte[] ResizeNearest(byte[] mask, int width, int height, int toWidth, int toHeight)
    {
        if (width == toWidth && height == toHeight) return mask;
        using var source = ImageFiles.FromBytes(mask, width, height, MatType.CV_8UC1);
        using var resized = new Mat();
        Cv2.Resize(source, resized, new Size(toWidth, toHeight), 0, 0, InterpolationFlags.Nearest);
        return ImageFiles.ToBytes(resized);
    }
}
