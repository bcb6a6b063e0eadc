namespace DesertSeg.Lab.Estimation;

/// <summary>The naive baseline every estimator must beat: the validation split's scores taken as the target's.</summary>
public sealed class ValidationScore(CalibrationSet validation) : ILabelFreeEstimator
{
    public string Name => "naive";

    public IoUEstimate Estimate(PixelSample target)
    {
        var predicted = new double[target.Classes];
        foreach (byte a in target.Predicted) predicted[a]++;
        return new IoUEstimate(Name, validation.Metrics.IoU, validation.Metrics.MeanIoU,
            predicted.Select(p => p / target.Count).ToArray());
    }
}
