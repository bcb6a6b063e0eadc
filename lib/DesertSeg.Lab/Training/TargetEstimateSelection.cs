using DesertSeg.Lab.Adaptation;
using DesertSeg.Lab.Estimation;
using DesertSeg.Lab.Evaluation;
using DesertSeg.Lab.Models;
using static TorchSharp.torch;

namespace DesertSeg.Lab.Training;

/// <summary>
/// Each epoch's estimated mIoU on the run's unlabelled target images: the estimator is fitted afresh on that epoch's
/// validation pass (its pixel sample and scores at the model's input size, the definition the trainer's validation mIoU
/// uses), then reads one forward pass over the target images. No target label exists or is read.
/// </summary>
public sealed class TargetEstimateSelection(TargetImages target, string? estimator, int height, int width, int batchSize)
{
    private readonly EstimatorKind _estimator = LabelFreeEstimators.ByName(estimator ?? LabelFreeEstimators.Default);

    /// <summary>The estimate for the model as it is now; <paramref name="validation"/> is this epoch's validation pass.</summary>
    public double Estimate(DeepLabV3Plus model, PixelSample validationSample, SegmentationMetrics validation, Device device,
        CancellationToken cancellation)
    {
        var sampler = new PixelSampler();
        bool wasTraining = model.training;
        model.eval();
        try
        {
            using var _ = inference_mode();
            foreach (var indices in target.Batches(batchSize))
            {
                cancellation.ThrowIfCancellationRequested();
                using var scope = NewDisposeScope();
                sampler.Add(model.forward(target.Batch(indices, height, width, device)));
            }
        }
        finally
        {
            model.train(wasTraining);
        }
        var fitted = _estimator.Fit(new CalibrationSet(validationSample, validation));
        return fitted.Estimate(sampler.Build()).MeanIoU;
    }
}
