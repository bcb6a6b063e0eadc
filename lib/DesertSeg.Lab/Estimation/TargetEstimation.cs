using System.Text.Json;
using DesertSeg.Lab.Adaptation;
using DesertSeg.Lab.Data;
using DesertSeg.Lab.Inference;
using DesertSeg.Lab.IO;
using Microsoft.Data.Analysis;

namespace DesertSeg.Lab.Estimation;

/// <summary>
/// The answer to "how good is this model on my unlabelled images": every named estimator's expected IoU per class and
/// mIoU, with a bootstrap interval, plus what the model predicts there (its share of each class) and how the calibration
/// set scored.
/// </summary>
public sealed record TargetEstimate(
    string Model,
    string Target,
    int Images,
    IReadOnlyList<string> ClassNames,
    double ValidationMeanIoU,
    double Temperature,
    IReadOnlyList<double> PredictedShare,
    IReadOnlyList<IoUEstimate> Estimates)
{
    /// <summary>The estimate of one estimator.</summary>
    public IoUEstimate Of(string estimator) => Estimates.FirstOrDefault(e => e.Estimator == estimator)
        ?? throw new ArgumentException($"No '{estimator}' estimate; this one has {string.Join(", ", Estimates.Select(e => e.Estimator))}.");

    /// <summary>One row per estimator: mIoU, interval and per-class IoU.</summary>
    public DataFrame ToTable()
    {
        var columns = new List<DataFrameColumn>
        {
            new StringDataFrameColumn("Estimator", Estimates.Select(e => e.Estimator)),
            new PrimitiveDataFrameColumn<double>("mIoU", Estimates.Select(e => Math.Round(e.MeanIoU, 4))),
            new StringDataFrameColumn("95% interval",
                Estimates.Select(e => e.Interval is { } i ? $"[{i.Low:F4}, {i.High:F4}]" : "")),
            new StringDataFrameColumn("Measured error margin", Estimates.Select(e => e.Margin is { } m ? $"± {m:F3}" : "none")),
        };
        for (int k = 0; k < ClassNames.Count; k++)
        {
            int c = k;
            columns.Add(new PrimitiveDataFrameColumn<double>(ClassNames[c],
                Estimates.Select(e => e.ClassIoU[c] is { } v ? Math.Round(v, 4) : (double?)null)));
        }
        return new DataFrame(columns);
    }

    /// <summary>What the model predicts on the target: each class's share of the pixels.</summary>
    public DataFrame PredictionTable() => new(
        new StringDataFrameColumn("Class", ClassNames),
        new PrimitiveDataFrameColumn<double>("Predicted share", PredictedShare.Select(s => Math.Round(s, 4))));

    /// <summary>Writes estimate.json and estimate.csv into <paramref name="folder"/> (each atomically).</summary>
    public void Save(string folder)
    {
        Directory.CreateDirectory(folder);
        var json = JsonSerializer.Serialize(this, new JsonSerializerOptions { WriteIndented = true, IncludeFields = true });
        AtomicFile.WriteAllText(Path.Combine(folder, "estimate.json"), json);
        Reporting.TableExport.SaveCsv(ToTable(), Path.Combine(folder, "estimate.csv"));
    }
}

/// <summary>Label-free estimation of a model on a folder of unlabelled target images, fitted on labelled source validation.</summary>
public static class TargetEstimation
{
    /// <summary>Fewer images than this give intervals too wide to mean anything.</summary>
    public const int MinimumImages = 8;

    /// <summary>
    /// Observes the validation split (labelled) and the target images (one forward pass each), fits every named estimator
    /// on validation, and estimates the target with a bootstrap interval.
    /// </summary>
    /// <exception cref="DataFormatException">Fewer than <see cref="MinimumImages"/> target images, or a file that does not
    /// decode (named).</exception>
    /// <param name="progress">Hears the images observed so far (validation, then target; of validation + target images).</param>
    public static TargetEstimate Run(Predictor predictor, DataSplit validation, TargetImages target,
        IReadOnlyList<string>? estimators = null, CancellationToken cancellation = default, IProgress<int>? progress = null)
    {
        if (target.Count < MinimumImages)
            throw new DataFormatException(target.Folder,
                $"holds {target.Count} target image{(target.Count == 1 ? "" : "s")}; label-free estimation needs at least " +
                $"{MinimumImages} (fewer give intervals too wide to mean anything).");
        var kinds = (estimators ?? LabelFreeEstimators.Names).Select(LabelFreeEstimators.ByName).ToList();
        var calibration = ImageSetObserver.Observe(predictor, validation, cancellation: cancellation,
            imagesDone: n => progress?.Report(n)).AsCalibration();
        int validationImages = calibration.Sample.Images;
        var observed = ImageSetObserver.Observe(predictor, target.Name, target.Files, cancellation: cancellation,
            imagesDone: n => progress?.Report(validationImages + n));
        var estimates = LabelFreeEstimators.WithIntervals(kinds.Select(kind => kind.Fit(calibration)).ToList(), observed.Sample,
                cancellation: cancellation)
            .Select(e => LabelFreeEstimators.WithMargin(e, predictor.Source.Scale)).ToList();
        return new TargetEstimate(predictor.Source.Checkpoint, target.Folder, target.Count, predictor.Scheme.ClassNames,
            calibration.Metrics.MeanIoU, calibration.Temperature, estimates[0].PredictedShare, estimates);
    }
}
