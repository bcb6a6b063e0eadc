using DesertSeg.Lab.Data;
using DesertSeg.Lab.Evaluation;
using DesertSeg.Lab.Inference;
using DesertSeg.Lab.IO;
using TorchSharp;
using static TorchSharp.torch;

namespace DesertSeg.Lab.Estimation;

/// <summary>What one pass of a model over an image set leaves: the pixel sample every estimator reads and, where the
/// images have masks, the true scores under evaluation's definition (native resolution, as <c>eval</c> scores).</summary>
public sealed record ObservedSet(string Name, PixelSample Sample, ConfusionMatrix? Truth)
{
    public SegmentationMetrics? TrueMetrics => Truth?.Metrics();

    /// <summary>This set as the labelled validation images estimators are fitted on.</summary>
    public CalibrationSet AsCalibration() => new(Sample, TrueMetrics
        ?? throw new InvalidOperationException($"'{Name}' has no masks: estimators are fitted on labelled validation images."));
}

/// <summary>
/// One forward pass per image (plain: no TTA, no suppression) gives both the pixel sample at the model's input size and,
/// for labelled images, the native-resolution confusion that <c>eval</c> would compute: logits resized to each image's
/// size (bilinear) before argmax.
/// </summary>
public static class ImageSetObserver
{
    /// <summary>Observes a labelled split (every image needs its mask).</summary>
    public static ObservedSet Observe(Predictor predictor, DataSplit split, int batchSize = 4, CancellationToken cancellation = default,
        Action<int>? imagesDone = null)
    {
        split = split.RequireComplete();
        var items = split.Pairs.Select(p => (Func<(RgbImage, RawMask?)>)(() => SplitScorer.ReadPair(p)));
        return Observe(predictor, split.Name, items.ToList(), batchSize, cancellation, imagesDone);
    }

    /// <summary>Observes unlabelled image files (each must decode; the error names the one that does not).</summary>
    public static ObservedSet Observe(Predictor predictor, string name, IReadOnlyList<string> files, int batchSize = 4,
        CancellationToken cancellation = default, Action<int>? imagesDone = null) =>
        Observe(predictor, name, files.Select(f => (Func<(RgbImage, RawMask?)>)(() => (ImageFiles.ReadRgb(f), null))).ToList(),
            batchSize, cancellation, imagesDone);

    /// <summary>Observes images in memory (or read on demand), with masks or without (all alike);
    /// <paramref name="imagesDone"/> hears the count after every batch (a notebook cell's progress).</summary>
    public static ObservedSet Observe(Predictor predictor, string name, IReadOnlyList<Func<(RgbImage Image, RawMask? Mask)>> items,
        int batchSize = 4, CancellationToken cancellation = default, Action<int>? imagesDone = null)
    {
        int done = 0;
        if (items.Count == 0) throw new ArgumentException($"'{name}' has no images to observe.");
        var scheme = predictor.Scheme;
        var sampler = new PixelSampler();
        ConfusionMatrix? truth = null;
        foreach (var (_, batch) in PrefetchedBatches.Of(items.Count, i => items[i](), batchSize, cancellation))
        {
            using var mode = inference_mode();
            using var scope = NewDisposeScope();
            var logits = predictor.InputLogits(cat(batch.Select(b => predictor.Preprocess(b.Image)).ToList(), 0));
            done += batch.Length;
            imagesDone?.Invoke(done);
            if (batch.All(b => b.Mask is null))
            {
                sampler.Add(logits);
                continue;
            }
            if (batch.Any(b => b.Mask is null)) throw new ArgumentException($"'{name}' mixes images with and without masks.");
            truth ??= new ConfusionMatrix(scheme.Count);
            var labels = new byte[batch.Length * predictor.Height * predictor.Width];
            for (int k = 0; k < batch.Length; k++)
            {
                var (image, mask) = batch[k];
                var classes = scheme.Remap(mask!.Values);
                var native = Predictor.Resize(logits.narrow(0, k, 1), image.Height, image.Width);
                truth.Add(predictor.Argmax(native), classes);
                SplitScorer.ResizeNearest(classes, mask.Width, mask.Height, predictor.Width, predictor.Height)
                    .CopyTo(labels, k * predictor.Height * predictor.Width);
            }
            sampler.Add(logits, tensor(labels, [batch.Length, predictor.Height, predictor.Width]));
        }
        return new ObservedSet(name, sampler.Build(), truth);
    }
}
