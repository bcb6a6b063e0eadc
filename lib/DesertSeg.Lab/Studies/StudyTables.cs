using DesertSeg.Lab.Data;
using DesertSeg.Lab.Evaluation;
using DesertSeg.Lab.Inference;
using DesertSeg.Lab.Reporting;
using Microsoft.Data.Analysis;
using R = DesertSeg.Lab.Reporting.ReportedNumbers.Ablation;

namespace DesertSeg.Lab.Studies;

/// <summary>One row of an ablation-style table: a configuration, its measured scores and the report's.</summary>
public sealed record AblationRow(string Config, double? Val, double? Test, double? ReportVal, double? ReportTest);

/// <summary>
/// The report's tables (1, 2, 6, 7, 8, 9, 10) computed from a <see cref="Study"/>: every number in a
/// "measured" column comes from the runs and scores the study made; the "report" columns are the
/// report's own figures, for comparison. Test scores of 10-class models are with the test split's absent
/// classes suppressed unless the row says otherwise.
/// </summary>
public static class StudyTables
{
    public static DataFrame Table1(Study study) => study.Audit().ClassShareFrame();

    /// <summary>Table 8's rows: the path from the Phase 2 baseline to Phase 5 + TTA, and Phase 4.</summary>
    public static IReadOnlyList<AblationRow> Table8Rows(Study s) =>
    [
        new("Phase 2: square input, 10 classes (+ suppression)", Val(s, "2"),
            s.Score("2", FalconLayout.Test, s.Suppressed).Metrics.MeanIoU, R.Phase2Val, R.Phase2Test),
        new("Phase 3: 9:16 input, 10 classes", Val(s, "3"), s.Score("3", FalconLayout.Test).Metrics.MeanIoU, R.Phase3Val, R.Phase3Test),
        new("Phase 3 + absent-class suppression", null,
            s.Score("3", FalconLayout.Test, s.Suppressed).Metrics.MeanIoU, null, R.Phase3SuppressedTest),
        new("Phase 5: 7-class model", Val(s, "5"), s.Score("5", FalconLayout.Test).Metrics.MeanIoU, R.Phase5Val, R.Phase5Test),
        new("Phase 5 + multi-scale TTA", null, s.Score("5", FalconLayout.Test, Study.Tta).Metrics.MeanIoU, null, R.Phase5TtaTest),
        new("Phase 4: + extreme colour augmentation", Val(s, "4"),
            s.Score("4", FalconLayout.Test).Metrics.MeanIoU, null, R.ExtremeAugmentationTest),
    ];

    /// <summary>Table 2's rows: three ways of handling the classes absent from test.</summary>
    public static IReadOnlyList<AblationRow> Table2Rows(Study s) =>
    [
        new("10-cls + suppress (Phase 3)", Val(s, "3"),
            s.Score("3", FalconLayout.Test, s.Suppressed).Metrics.MeanIoU, null, R.Phase3SuppressedTest),
        new("10-cls + merge similar (absent classes merged into look-alikes)", Val(s, "5-merge"),
            s.Score("5-merge", FalconLayout.Test).Metrics.MeanIoU, null, R.MergedClassesTest),
        new("7-cls + ignore (Phase 5)", Val(s, "5"), s.Score("5", FalconLayout.Test).Metrics.MeanIoU, null, R.Phase5Test),
    ];

    /// <summary>Table 9's rows: every failed idea of the report, each a Phase 5 variant (OHEM: MMSegmentation's
    /// OHEMPixelSampler on the CE term; CutMix: Yun et al., batches mixed with probability 0.5).</summary>
    public static IReadOnlyList<AblationRow> Table9Rows(Study s) =>
    [
        new("Phase 5 (reference)", Val(s, "5"), s.Score("5", FalconLayout.Test).Metrics.MeanIoU, R.Phase5Val, R.Phase5Test),
        new("Extreme colour augmentation (Phase 4)", Val(s, "4"),
            s.Score("4", FalconLayout.Test).Metrics.MeanIoU, null, R.ExtremeAugmentationTest),
        new("Class merging", Val(s, "5-merge"), s.Score("5-merge", FalconLayout.Test).Metrics.MeanIoU, null, R.MergedClassesTest),
        new("Rocks weight 8x", Val(s, "5-rocks8"), s.Score("5-rocks8", FalconLayout.Test).Metrics.MeanIoU, null, R.OtherFailedIdeasTest),
        new("ChannelShuffle + ToGray", Val(s, "5-shuffle-gray"),
            s.Score("5-shuffle-gray", FalconLayout.Test).Metrics.MeanIoU, null, R.OtherFailedIdeasTest),
        new("OHEM (hard pixels, p < 0.7, at least 19% kept)", Val(s, "5-ohem"),
            s.Score("5-ohem", FalconLayout.Test).Metrics.MeanIoU, null, R.OtherFailedIdeasTest),
        new("CutMix (p 0.5, Beta(1,1) boxes)", Val(s, "5-cutmix"),
            s.Score("5-cutmix", FalconLayout.Test).Metrics.MeanIoU, null, R.OtherFailedIdeasTest),
    ];

    public static DataFrame Frame(IReadOnlyList<AblationRow> rows)
    {
        var delta = new double?[rows.Count];
        for (int i = 1; i < rows.Count; i++) delta[i] = rows[i].Test - rows[i - 1].Test;
        return new DataFrame(
            new StringDataFrameColumn("Configuration", rows.Select(r => r.Config)),
            new DoubleDataFrameColumn("Val mIoU", rows.Select(r => Round(r.Val))),
            new DoubleDataFrameColumn("Test mIoU", rows.Select(r => Round(r.Test))),
            new DoubleDataFrameColumn("Δ test (vs row above)", delta.Select(Round)),
            new DoubleDataFrameColumn("Report val", rows.Select(r => r.ReportVal)),
            new DoubleDataFrameColumn("Report test", rows.Select(r => r.ReportTest)));
    }

    /// <summary>Table 6: the final model's accuracy, size and speed (measured here, at this scale's input size).</summary>
    public static DataFrame Table6(Study s, BenchmarkResult bench)
    {
        var run = s.Phase("5");
        var history = run.Directory.ReadHistory();
        double test = s.Score("5", FalconLayout.Test).Metrics.MeanIoU;
        double testTta = s.Score("5", FalconLayout.Test, Study.Tta).Metrics.MeanIoU;
        string Hours(double seconds) => $"{seconds / 3600:F2} h ({seconds / 60:F1} min)";
        (string Metric, string Measured, string Report)[] rows =
        [
            ("Validation mIoU", $"{Val(s, "5"):F4}", $"{ReportedNumbers.Table6.ValMeanIoU:F4}"),
            ("Test mIoU (single scale)", $"{test:F4}", $"{ReportedNumbers.Table6.TestMeanIoU:F4}"),
            ("Test mIoU (multi-scale TTA)", $"{testTta:F4}", $"{ReportedNumbers.Table6.TestMeanIoUTta:F4}"),
            ("TTA improvement", $"{testTta - test:+0.0000;-0.0000}", $"{R.Phase5TtaTest - R.Phase5Test:+0.0000}"),
            ($"Training time ({run.Config.Epochs} epochs)", Hours(history.Sum(h => h.Seconds)),
                $"~{ReportedNumbers.Hours.Phase5} h (60 epochs)"),
            .. bench.Table6Rows(),
        ];
        return new DataFrame(
            new StringDataFrameColumn("Metric", rows.Select(r => r.Metric)),
            new StringDataFrameColumn("Measured", rows.Select(r => r.Measured)),
            new StringDataFrameColumn("Report", rows.Select(r => r.Report)));
    }

    /// <summary>Table 7: per-class IoU of the final model on val and on test (with TTA), and the test pixel share.</summary>
    public static DataFrame Table7(Study s)
    {
        var val = s.Score("5", FalconLayout.Val);
        var test = s.Score("5", FalconLayout.Test, Study.Tta);
        var audit = s.Audit()[FalconLayout.Test];
        var names = val.Scheme.ClassNames;
        return new DataFrame(
            new StringDataFrameColumn("Class", names),
            new DoubleDataFrameColumn("Val IoU", names.Select(n => Round(val.IoU(n)))),
            new DoubleDataFrameColumn("Test IoU (TTA)", names.Select(n => Round(test.IoU(n)))),
            new DoubleDataFrameColumn("Test px %", names.Select(n => Math.Round(audit[n].Percent, 3))),
            new DoubleDataFrameColumn("Report val", names.Select(n => (double?)ReportedNumbers.ClassIoU[n].Val)),
            new DoubleDataFrameColumn("Report test", names.Select(n => (double?)ReportedNumbers.ClassIoU[n].Test)));
    }

    /// <summary>
    /// Table 10: training time per phase against the test mIoU it bought. The TTA row costs inference
    /// only: the benchmark's TTA time per image times the test images.
    /// </summary>
    public static DataFrame Table10(Study s, BenchmarkResult bench)
    {
        (string Label, string Phase, PredictionOptions? Options, double ReportHours, double ReportTest)[] phases =
        [
            ("Phase 2 (baseline)", "2", s.Suppressed, ReportedNumbers.Hours.Phase2, R.Phase2Test),
            ("Phase 3 (aspect + epochs)", "3", s.Suppressed, ReportedNumbers.Hours.Phase3, R.Phase3SuppressedTest),
            ("Phase 4 (extreme aug)", "4", null, ReportedNumbers.Hours.Phase4, R.ExtremeAugmentationTest),
            ("Phase 5 (7-class)", "5", null, ReportedNumbers.Hours.Phase5, R.Phase5Test),
            ("+ MS-TTA (inference)", "5", Study.Tta, ReportedNumbers.Hours.Tta, R.Phase5TtaTest),
        ];
        var tests = phases.Select(p => s.Score(p.Phase, FalconLayout.Test, p.Options).Metrics.MeanIoU).ToList();
        var hours = phases.Select(p => p.Options == Study.Tta
            ? bench.MsPerImageTta * s.Data[FalconLayout.Test].Count / 3.6e6
            : s.Phase(p.Phase).Directory.ReadHistory().Sum(h => h.Seconds) / 3600).ToList();
        return new DataFrame(
            new StringDataFrameColumn("Phase", phases.Select(p => p.Label)),
            new DoubleDataFrameColumn("Training hours", hours.Select(h => Math.Round(h, 3))),
            new DoubleDataFrameColumn("Test mIoU", tests.Select(t => Math.Round(t, 4))),
            new DoubleDataFrameColumn("Gain", tests.Select((t, i) => i == 0 ? (double?)null : Math.Round(t - tests[i - 1], 4))),
            new DoubleDataFrameColumn("Report hours", phases.Select(p => p.ReportHours)),
            new DoubleDataFrameColumn("Report test", phases.Select(p => p.ReportTest)));
    }

    private static double? Val(Study s, string phase) => s.Score(phase, FalconLayout.Val).Metrics.MeanIoU;

    private static double? Round(double? v) => v is { } x ? Math.Round(x, 4) : null;
}
