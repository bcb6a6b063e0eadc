using DesertSeg.Lab.Data;
using DesertSeg.Lab.Evaluation.Corruptions;
using DesertSeg.Lab.Evaluation.Robustness;
using Microsoft.Data.Analysis;

namespace DesertSeg.Lab.Studies;

/// <summary>
/// The lab on shifts nobody here designed: source-only, AdaBN, TENT and self-training on a few corruptions of the val
/// split (one of each kind of shift the test-time BatchNorm methods are known to help with: noise, blur, contrast) at
/// one severity. The main job shows this subset; <c>desertseg robustness</c> and the <c>robustness</c> benchmark run
/// the whole grid.
/// </summary>
public static class LabRobustness
{
    public static readonly string[] Corruptions = ["gaussian_noise", "defocus_blur", "contrast"];
    public const int Severity = 3;

    /// <summary>TENT's stream batch size here: below the set's size, so that its entropy steps reach scored images (a
    /// 16-image set in batches of 4: 4 updates, the batches predicted after 0, 1, 2 and 3 of them). With one batch per
    /// set (the suite's 8 on 4 images, as before issue 30) TENT predicts exactly as batch statistics do.</summary>
    public const int TentBatchSize = 4;

    /// <summary>The runs the subset reads: source-only (Phase 5, also adapted by AdaBN and TENT) and self-training.</summary>
    public static readonly string[] Phases = ["5", "5-self-training"];

    /// <summary>Each line's mIoU on the clean val images and on each corruption, and the mean over the corruptions.</summary>
    /// <param name="images">Val images to corrupt and score (evenly spaced); null: all. On the clean column AdaBN
    /// re-estimates its statistics on the whole val split (its folder), on each corrupted column on exactly the images scored.</param>
    public static DataFrame Subset(Study study, int? images, Action<string>? log = null)
    {
        var split = study.Data[FalconLayout.Val].RequireComplete().Subset(images);
        var chosen = Corruptions.Select(Evaluation.Corruptions.Corruptions.ByName).ToList();
        string source = study.Phase(Phases[0]).Directory.BestCheckpoint;
        string selfTraining = study.Phase(Phases[1]).Directory.BestCheckpoint;
        var lines = new (string Label, string Checkpoint, AdaptationAtTest Method)[]
        {
            ("Source only", source, AdaptationAtTest.Source),
            ("AdaBN", source, AdaptationAtTest.AdaBn),
            ($"TENT (batches of {TentBatchSize}, reset per set)", source, AdaptationAtTest.Tent),
            ($"TENT continual (batches of {TentBatchSize}, no reset)", source, AdaptationAtTest.TentContinual),
            ("Self-training (DACS)", selfTraining, AdaptationAtTest.Source),
        };
        var results = lines.Select(l => (l.Label, Result: RobustnessSuite.Score(l.Checkpoint, split, l.Method, chosen, [Severity],
            device: study.Device, batchSize: l.Method is AdaptationAtTest.Tent or AdaptationAtTest.TentContinual ? TentBatchSize : 8,
            log: log))).ToList();
        var columns = new List<DataFrameColumn>
        {
            new StringDataFrameColumn("Method", results.Select(r => r.Label)),
            new DoubleDataFrameColumn("Clean val mIoU", results.Select(r => (double?)Math.Round(r.Result.CleanMeanIoU, 4))),
        };
        foreach (var corruption in chosen)
            columns.Add(new DoubleDataFrameColumn($"{corruption.Name} {Severity}",
                results.Select(r => (double?)Math.Round(r.Result.Cells.Single(c => c.Corruption == corruption.Name).MeanIoU, 4))));
        columns.Add(new DoubleDataFrameColumn("Mean over corruptions", results.Select(r => (double?)Math.Round(r.Result.MeanIoU, 4))));
        columns.Add(new StringDataFrameColumn("Updates before a scored batch", results.Select(r => r.Result.Cells.Any(c => c.Updates > 0)
            ? $"{r.Result.Cells.Min(c => c.UpdatesBefore)}-{r.Result.Cells.Max(c => c.UpdatesBefore + c.Updates - 1)}"
            : "")));
        return new DataFrame(columns);
    }
}
