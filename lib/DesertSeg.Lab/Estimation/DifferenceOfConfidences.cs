namespace DesertSeg.Lab.Estimation;

/// <summary>
/// DoC (Guillory et al., ICCV 2021): the drop in average confidence (largest softmax probability, the model's own) from
/// validation to target taken as the drop in the score. The mIoU is the paper's form, validation mIoU minus the drop of
/// the average over all pixels; each class's IoU is its validation IoU minus the drop of the average over the pixels
/// predicted as that class (a class without a validation IoU gets none).
/// </summary>
public sealed class DifferenceOfConfidences : ILabelFreeEstimator
{
    private readonly CalibrationSet _validation;
    private readonly double _confidence;
    private readonly double?[] _classConfidence;

    public DifferenceOfConfidences(CalibrationSet validation)
    {
        _validation = validation;
        var sample = validation.Sample;
        var confidence = Probabilities.Confidence(sample);
        var scored = validation.ScoredPixels().ToList();
        _confidence = scored.Average(i => confidence[i]);
        _classConfidence = Enumerable.Range(0, sample.Classes).Select(k =>
        {
            var mine = scored.Where(i => sample.Predicted[i] == k).ToList();
            return mine.Count > 0 ? mine.Average(i => confidence[i]) : (double?)null;
        }).ToArray();
    }

    public string Name => "doc";

    public IoUEstimate Estimate(PixelSample target)
    {
        int c = target.Classes;
        var confidence = Probabilities.Confidence(target);
        var predicted = new double[c];
        var sum = new double[c];
        for (int i = 0; i < target.Count; i++)
        {
            predicted[target.Predicted[i]]++;
            sum[target.Predicted[i]] += confidence[i];
        }
        var iou = new double?[c];
        for (int k = 0; k < c; k++)
        {
            if (predicted[k] == 0 || _validation.Metrics.IoU[k] is not { } valIoU || _classConfidence[k] is not { } valConfidence)
                continue;
            iou[k] = Math.Clamp(valIoU - (valConfidence - sum[k] / predicted[k]), 0, 1);
        }
        double mean = Math.Clamp(_validation.Metrics.MeanIoU - (_confidence - confidence.Average()), 0, 1);
        return new IoUEstimate(Name, iou, mean, predicted.Select(p => p / target.Count).ToArray());
    }
}
