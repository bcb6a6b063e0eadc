using DesertSeg.Lab.Data.Loading;
using DesertSeg.Lab.Losses;
using DesertSeg.Lab.Models;
using static TorchSharp.torch;

namespace DesertSeg.Lab.Evaluation;

/// <summary>A split scored at the model's input size: the confusion matrix and, when a loss was given, its mean.</summary>
public sealed record EvaluationResult(ConfusionMatrix Confusion, double? MeanLoss, int Images)
{
    public SegmentationMetrics Metrics => Confusion.Metrics();
}

/// <summary>
/// Scores a model on a loader's batches with the original's protocol: at the model's input size,
/// against nearest-resized masks, intersection and union accumulated over the whole split.
/// </summary>
public static class ModelEvaluator
{
    /// <param name="sampler">Also collects the logits and truth at a grid of pixels, for label-free estimators.</param>
    public static EvaluationResult Evaluate(DeepLabV3Plus model, SegmentationLoader loader, Device device,
        SegmentationLoss? loss = null, CancellationToken cancellation = default, Estimation.PixelSampler? sampler = null)
    {
        var confusion = new ConfusionMatrix(model.Config.Classes);
        double lossSum = 0;
        int images = 0;
        bool wasTraining = model.training;
        model.eval();
        try
        {
            using var _ = inference_mode();
            foreach (var batch in loader.Epoch(0, cancellation))
            {
                using var scope = NewDisposeScope();
                var (x, y) = batch.ToTensors(device);
                var logits = model.forward(x);
                if (loss is not null) lossSum += loss.forward(logits, y).item<float>() * batch.Count;
                confusion.Add(Inference.ClassIndices.Of(logits), y);
                sampler?.Add(logits, y);
                images += batch.Count;
            }
        }
        finally
        {
            model.train(wasTraining);
        }
        if (images == 0) throw new InvalidOperationException($"Split '{loader.Dataset.Split.Name}' has no images to evaluate.");
        return new EvaluationResult(confusion, loss is null ? null : lossSum / images, images);
    }
}
