using DesertSeg.Lab.Data.Loading;
using DesertSeg.Lab.Evaluation;
using DesertSeg.Lab.Losses;
using DesertSeg.Lab.Models;
using static TorchSharp.torch;

namespace DesertSeg.Lab.Training;

/// <summary>What an epoch's model scored, and whether the run's selection makes it the best epoch so far.</summary>
public sealed record EpochScores(EvaluationResult Validation, double? TestMeanIoU, double? TargetEstimate, bool Best);

/// <summary>
/// What a run measures after each epoch, and its choice: validation (loss and mIoU at the model's input size, and a pixel
/// sample when the run selects on a target estimate), test when the run records or selects on it, the estimated target
/// mIoU, then <see cref="ModelSelector.IsBest"/>. One object for <see cref="Trainer.Train"/> and <see cref="Trainer.Reselect"/>,
/// so that a re-selected run measures exactly as a trained one.
/// </summary>
public sealed class EpochScoring(SegmentationLoader validation, SegmentationLoader? test, TargetEstimateSelection? estimate,
    ModelSelector selector)
{
    public ModelSelector Selector => selector;

    public EpochScores Score(DeepLabV3Plus model, SegmentationLoss loss, int epoch, IReadOnlyList<EpochRecord> earlier,
        Device device, CancellationToken cancellation)
    {
        var sample = estimate is null ? null : new Estimation.PixelSampler();
        var val = ModelEvaluator.Evaluate(model, validation, device, loss, cancellation, sample);
        double? testMiou = test is not null && selector.ScoresTestAfter(epoch)
            ? ModelEvaluator.Evaluate(model, test, device, cancellation: cancellation).Metrics.MeanIoU : null;
        double? estimated = estimate?.Estimate(model, sample!.Build(), val.Metrics, device, cancellation);
        return new EpochScores(val, testMiou, estimated, selector.IsBest(earlier, val.Metrics.MeanIoU, testMiou, estimated));
    }
}
