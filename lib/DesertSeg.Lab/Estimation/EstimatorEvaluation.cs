using DesertSeg.Lab.Data;
using DesertSeg.Lab.Inference;
using Microsoft.Data.Analysis;

namespace DesertSeg.Lab.Estimation;

/// <summary>A labelled image set that plays an unlabelled target: its family of shift, its name, and its images (read on
/// demand, each with its mask).</summary>
public sealed record LabelledImageSet(string Family, string Name, IReadOnlyList<Func<(RgbImage Image, RawMask? Mask)>> Items);

/// <summary>One estimate of one model on one image set, beside the truth its labels give.</summary>
public sealed record EstimateVsTruth(int Model, string Family, string Set, string Estimator, double Estimated, double True,
    double ValidationMeanIoU)
{
    public double AbsoluteError => Math.Abs(Estimated - True);
}

/// <summary>
/// Every estimator measured against truth: each model is calibrated on labelled validation, then each labelled image set
/// is observed once per model, its labels hidden from the estimators and used only for the truth column. With two models
/// or more, agreement on the line joins in (all models see the same images in the same order).
/// </summary>
public static class EstimatorEvaluation
{
    /// <param name="progress">Hears the image sets done so far (of <paramref name="sets"/>).</param>
    public static IReadOnlyList<EstimateVsTruth> Run(IReadOnlyList<Predictor> models, DataSplit validation,
        IReadOnlyList<LabelledImageSet> sets, Action<string>? log = null, CancellationToken cancellation = default,
        IProgress<int>? progress = null)
    {
        int setsDone = 0;
        var calibration = models.Select(m => ImageSetObserver.Observe(m, validation, cancellation: cancellation).AsCalibration()).ToList();
        var fitted = calibration.Select(c => LabelFreeEstimators.All.Select(kind => kind.Fit(c)).ToList()).ToList();
        var rows = new List<EstimateVsTruth>();
        foreach (var set in sets)
        {
            var observed = models.Select(m => ImageSetObserver.Observe(m, set.Name, set.Items, cancellation: cancellation)).ToList();
            for (int m = 0; m < models.Count; m++)
            {
                double truth = observed[m].TrueMetrics?.MeanIoU
                    ?? throw new ArgumentException($"Image set '{set.Name}' has no masks: estimators are measured against labels.");
                double val = calibration[m].Metrics.MeanIoU;
                foreach (var estimator in fitted[m])
                    rows.Add(new(m, set.Family, set.Name, estimator.Name, estimator.Estimate(observed[m].Sample).MeanIoU, truth, val));
                if (models.Count >= AgreementOnTheLine.MinimumModels
                    && AgreementOnTheLine.Estimate(calibration, observed.Select(o => o.Sample).ToList(), m) is { } agreement)
                    rows.Add(new(m, set.Family, set.Name, AgreementOnTheLine.Name, agreement.MeanIoU, truth, val));
            }
            log?.Invoke($"{set.Family} / {set.Name}: true mIoU " +
                string.Join(", ", observed.Select(o => $"{o.TrueMetrics!.MeanIoU:F3}")));
            progress?.Report(++setsDone);
        }
        return rows;
    }

    /// <summary>
    /// Mean absolute error of the estimated mIoU per family (rows) and estimator (columns), over its image sets and models,
    /// with the family's mean true drop from validation; an estimator that loses to the naive baseline where the drop
    /// exceeds 0.05 is marked "*".
    /// </summary>
    public static DataFrame Summary(IReadOnlyList<EstimateVsTruth> rows)
    {
        var estimators = rows.Select(r => r.Estimator).Distinct().ToList();
        var families = rows.Select(r => r.Family).Distinct().ToList();
        // The naive estimate is validation's score, so its rows hold each set's true drop from validation.
        var drop = families.ToDictionary(f => f,
            f => rows.Where(r => r.Family == f && r.Estimator == "naive").Average(r => r.ValidationMeanIoU - r.True));
        var columns = new List<DataFrameColumn>
        {
            new StringDataFrameColumn("Family", families),
            new PrimitiveDataFrameColumn<int>("Sets", families.Select(f => rows.Where(r => r.Family == f).Select(r => r.Set).Distinct().Count())),
            new PrimitiveDataFrameColumn<double>("Mean true drop", families.Select(f => Math.Round(drop[f], 4))),
        };
        foreach (var estimator in estimators)
            columns.Add(new StringDataFrameColumn(estimator, families.Select(f =>
            {
                double mae = MeanAbsoluteError(rows, f, estimator);
                bool loses = estimator != "naive" && drop[f] > 0.05 && mae >= MeanAbsoluteError(rows, f, "naive");
                return $"{mae:F4}{(loses ? "*" : "")}";
            })));
        return new DataFrame(columns);
    }

    public static double MeanAbsoluteError(IReadOnlyList<EstimateVsTruth> rows, string family, string estimator) =>
        rows.Where(r => r.Family == family && r.Estimator == estimator).Select(r => r.AbsoluteError).DefaultIfEmpty(double.NaN).Average();

    /// <summary>
    /// Each estimator's split-conformal margin at <paramref name="level"/> over every row (every model on every set), and
    /// the coverage of estimate ± margin on each family when the margin is fitted on the other families only (the family
    /// tested is kept apart from the one the margin comes from).
    /// </summary>
    public static IReadOnlyList<EstimatorMargin> Margins(IReadOnlyList<EstimateVsTruth> rows, string scale, double level,
        string measuredBy) =>
        rows.Select(r => r.Estimator).Distinct().Select(estimator =>
        {
            var mine = rows.Where(r => r.Estimator == estimator).ToList();
            var coverage = mine.Select(r => r.Family).Distinct().ToDictionary(f => f, f =>
            {
                double margin = EstimatorMargins.Conformal(mine.Where(r => r.Family != f).Select(r => r.AbsoluteError).ToList(), level);
                var tested = mine.Where(r => r.Family == f).ToList();
                return Math.Round(tested.Count(r => r.AbsoluteError <= margin) / (double)tested.Count, 3);
            });
            return new EstimatorMargin(scale, estimator, level,
                Math.Round(EstimatorMargins.Conformal(mine.Select(r => r.AbsoluteError).ToList(), level), 4), mine.Count,
                coverage, measuredBy);
        }).ToList();

    /// <summary>The margins as a table: estimator, margin, and the held-out coverage per family.</summary>
    public static DataFrame MarginTable(IReadOnlyList<EstimatorMargin> margins)
    {
        var families = margins.SelectMany(m => m.HeldOutFamilyCoverage.Keys).Distinct().ToList();
        var columns = new List<DataFrameColumn>
        {
            new StringDataFrameColumn("Estimator", margins.Select(m => m.Estimator)),
            new PrimitiveDataFrameColumn<double>("Margin", margins.Select(m => m.Margin)),
        };
        foreach (var family in families)
            columns.Add(new StringDataFrameColumn($"Coverage: {family}", margins.Select(m =>
                m.HeldOutFamilyCoverage.TryGetValue(family, out double c) ? c.ToString("P0") : "")));
        return new DataFrame(columns);
    }

    /// <summary>
    /// How far EM moves the priors on the calibration set itself, where nothing shifted (total variation from the label
    /// shares): after temperature scaling and after bias-corrected scaling over every sampled pixel (what EM sees on any
    /// image set), and after bias-corrected scaling over the scored pixels only (whose mean prediction BCTS fits to the
    /// label shares). A drift here is the calibration's or the ignored pixels', not a target's.
    /// </summary>
    public static (double TemperatureScaled, double BiasCorrected, double BiasCorrectedScoredOnly) EmDriftOnCalibration(
        CalibrationSet calibration)
    {
        var sample = calibration.Sample;
        int c = sample.Classes;
        double Drift(Calibration calibrated, bool scoredOnly)
        {
            var q = Probabilities.Of(sample, calibrated);
            if (scoredOnly)
                q = calibration.ScoredPixels().SelectMany(i => q.AsSpan(i * c, c).ToArray()).ToArray();
            var priors = LabelShift.TargetPriors(q, c, calibration.SourcePriors);
            return priors.Zip(calibration.SourcePriors, (a, b) => Math.Abs(a - b)).Sum() / 2;
        }
        return (Drift(new Calibration(calibration.Temperature), false), Drift(calibration.BiasCorrected, false),
            Drift(calibration.BiasCorrected, true));
    }

    /// <summary>Every row as a table (for CSV).</summary>
    public static DataFrame Table(IReadOnlyList<EstimateVsTruth> rows) => new(
        new PrimitiveDataFrameColumn<int>("Model", rows.Select(r => r.Model)),
        new StringDataFrameColumn("Family", rows.Select(r => r.Family)),
        new StringDataFrameColumn("Set", rows.Select(r => r.Set)),
        new StringDataFrameColumn("Estimator", rows.Select(r => r.Estimator)),
        new PrimitiveDataFrameColumn<double>("Estimated", rows.Select(r => Math.Round(r.Estimated, 4))),
        new PrimitiveDataFrameColumn<double>("True", rows.Select(r => Math.Round(r.True, 4))));
}
