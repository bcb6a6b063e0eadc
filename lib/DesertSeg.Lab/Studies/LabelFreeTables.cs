using DesertSeg.Lab.Adaptation;
using DesertSeg.Lab.Data;
using DesertSeg.Lab.Estimation;
using DesertSeg.Lab.Training;
using Microsoft.Data.Analysis;

namespace DesertSeg.Lab.Studies;

/// <summary>
/// What the report could not do: say how good a model is in the test desert without test labels, and choose the epoch
/// without the test set. Both read only the unlabelled target images of the lab (disjoint from test) and labelled
/// validation; test labels appear only in the column that checks them.
/// </summary>
public static class LabelFreeTables
{
    /// <summary>The run whose epochs are chosen three ways (<see cref="SelectionComparison"/>).</summary>
    public const string SelectionRun = "5-select-estimate";

    /// <summary>Every estimator on <paramref name="phase"/>'s model and the target images, beside its true test mIoU.</summary>
    public static DataFrame Estimates(Study study, string phase = "5")
    {
        var target = TargetDomain.Open(study.Data, study.Options.TargetFolder, study.Options.Transductive);
        var predictor = study.Predictor(phase);   // the study's own: it disposes it
        var estimate = TargetEstimation.Run(predictor, study.Data[FalconLayout.Val], target);
        double truth = study.Score(phase, FalconLayout.Test).Metrics.MeanIoU;
        return new DataFrame(
            new StringDataFrameColumn("Estimator", estimate.Estimates.Select(e => e.Estimator)),
            new PrimitiveDataFrameColumn<double>("Estimated mIoU", estimate.Estimates.Select(e => Math.Round(e.MeanIoU, 4))),
            new StringDataFrameColumn("95% interval", estimate.Estimates.Select(e => e.Interval is { } i ? $"[{i.Low:F3}, {i.High:F3}]" : "")),
            new PrimitiveDataFrameColumn<double>("Test mIoU (truth)", estimate.Estimates.Select(_ => Math.Round(truth, 4))),
            new PrimitiveDataFrameColumn<double>("Error", estimate.Estimates.Select(e => Math.Round(e.MeanIoU - truth, 4))));
    }

    /// <summary>The epoch each selection picks in <see cref="SelectionRun"/> and what it scores on test (input size).</summary>
    public static DataFrame Selection(Study study) =>
        SelectionComparison.Table(SelectionComparison.Of(study.Phase(SelectionRun).Directory.ReadHistory()));
}
