using DesertSeg.Lab.Data;
using DesertSeg.Lab.Inference;
using DesertSeg.Lab.IO;
using OpenCvSharp;

namespace DesertSeg.Lab.Evaluation;

/// <summary>How <see cref="SplitScorer"/> scores a model.</summary>
/// <param name="Protocol">Native resolution (default) or the original's input-size protocol.</param>
/// <param name="Prediction">TTA and absent-class suppression.</param>
/// <param name="Limit">Score at most this many images, evenly spaced over the split (null: all).</param>
public sealed record ScoringOptions(
    ScoringProtocol Protocol = ScoringProtocol.Native,
    PredictionOptions? Prediction = null,
    int? Limit = null)
{
    public PredictionOptions PredictionOrPlain => Prediction ?? PredictionOptions.Plain;
}

/// <summary>Scores a model on a split with ground truth, image by image, in the model's class scheme.</summary>
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

        // Decoding the next pair overlaps the model's work on the current one.
        Task<(RgbImage, RawMask)> Read(int i) => Task.Run(() => ReadPair(split.Pairs[i]));
        var next = Read(0);
        for (int i = 0; i < split.Count; i++)
        {
            cancellation.ThrowIfCancellationRequested();
            var (image, raw) = next.GetAwaiter().GetResult();
            if (i + 1 < split.Count) next = Read(i + 1);
            var pair = split.Pairs[i];
            var truth = scheme.Remap(raw.Values);
            byte[] predicted;
            if (options.Protocol == ScoringProtocol.Native)
            {
                predicted = predictor.PredictIndices(image, prediction);
            }
            else
            {
                predicted = predictor.PredictIndices(image, predictor.Height, predictor.Width, prediction);
                truth = ResizeNearest(truth, raw.Width, raw.Height, predictor.Width, predictor.Height);
            }
            var confusion = new ConfusionMatrix(scheme.Count);
            confusion.Add(predicted, truth);
            total.Add(confusion);
            images.Add(new ImageScore(pair.Id, pair.ImagePath, pair.MaskPath!, null, confusion));
            progress?.Report(i + 1);
        }
        string method = $"{predictor.Source.Model.Encoder} {scheme.Name} model, {prediction}";
        return new SplitScore(split.Name, options.Protocol, scheme, method, total, images,
            options.Protocol == ScoringProtocol.InputSize ? predictor.Height : 0,
            options.Protocol == ScoringProtocol.InputSize ? predictor.Width : 0);
    }

    private static (RgbImage, RawMask) ReadPair(SamplePair pair)
    {
        var image = ImageFiles.ReadRgb(pair.ImagePath);
        var mask = MaskFiles.ReadRaw(pair.MaskPath!);
        if (mask.Width != image.Width || mask.Height != image.Height)
            throw new DataFormatException(pair.MaskPath!, $"mask is {mask.Width}x{mask.Height} but its image {pair.ImagePath} is {image.Width}x{image.Height}.");
        return (image, mask);
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
