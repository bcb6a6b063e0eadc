using System.Net;
using System.Text;
using DesertSeg.Lab.Data;
using DesertSeg.Lab.Evaluation;
using DesertSeg.Lab.IO;
using DesertSeg.Lab.Plans;
using DesertSeg.Lab.Reporting;
using DesertSeg.Lab.Reporting.Charts;
using DesertSeg.Lab.Training;
using Microsoft.Data.Analysis;
using Plotly.NET;

namespace DesertSeg.Lab.Studies;

/// <summary>What <see cref="ReportWriter.Write"/> produced.</summary>
public sealed record ReportOutput(string Folder, IReadOnlyList<string> Tables, IReadOnlyList<string> Figures, string Index);

/// <summary>
/// Runs the whole study in dependency order (each phase trained once, then reused) and writes
/// <c>report/</c>: every table of the report as Markdown and CSV, every figure as PNG and self-contained
/// HTML, and an index.html that shows them with the measured numbers beside the report's.
/// </summary>
public sealed class ReportWriter(Study study, string folder)
{
    private readonly List<string> _tables = [];
    private readonly List<string> _figures = [];
    private readonly ReportPage _page = new("Off-road desert segmentation: the report, reproduced");
    private bool _png;

    public string Folder { get; } = Path.GetFullPath(folder);
    private string TablesFolder => Path.Combine(Folder, "tables");
    private string FiguresFolder => Path.Combine(Folder, "figures");

    /// <summary>Where the executed notebooks' pages go (<c>reproduce --notebooks</c>), linked from the page.</summary>
    public string NotebooksFolder => Path.Combine(Folder, "notebooks");

    /// <summary>Every phase the report's tables need, in dependency order.</summary>
    public static readonly string[] Phases = ["3", "2", "5", "4", "5-merge", "5-rocks8", "5-shuffle-gray", "5-ohem", "5-cutmix",
        LabelFreeTables.SelectionRun];

    /// <summary>
    /// Every training the report reads: the report's phases, and with <paramref name="adaptation"/> the lab's corruption subset
    /// (<see cref="LabRobustness.Phases"/>) and what each line of the lab's line-up that this data set allows reads
    /// (<see cref="LabLine.Trains"/>). The plan (<see cref="ExperimentPlan"/>) is made from this, so that it trains what
    /// the report reads and nothing else.
    /// </summary>
    public static IReadOnlyList<PlannedRun> Needs(Study study, bool adaptation)
    {
        var needs = Phases.Select(p => new PlannedRun(p)).ToList();
        if (!adaptation) return needs;
        using var lab = new AdaptationStudy(study);
        return needs.Concat(LabRobustness.Phases.Select(p => new PlannedRun(p)))
            .Concat(lab.AvailableLines.SelectMany(m => m.Trains)).Distinct().ToList();
    }

    /// <param name="pngFigures">Also export every figure as PNG (needs a browser); the page draws them either way.</param>
    /// <param name="adaptation">Include the domain-adaptation lab (beyond the report; trains its runs on first use).</param>
    public ReportOutput Write(bool pngFigures = true, bool adaptation = true)
    {
        Directory.CreateDirectory(TablesFolder);
        Directory.CreateDirectory(FiguresFolder);
        var log = study.Log;
        _png = pngFigures;

        log.WriteLine("Auditing the data set (Table 1, Figures 2 and 3)");
        var audit = study.Audit();
        _page.StartSection("The data", "Train and test come from two different deserts; the audit measures how (report section 1).");
        Table("Table 1: class distribution (% of labelled pixels)", "table1-class-distribution", StudyTables.Table1(study),
            "Measured on this data set; the report's columns are the real Falcon data set's.");
        Table("Data audit per split", "audit-summary", audit.SummaryFrame(),
            "Pairs, sizes, mask formats, unknown values, absent classes, mean RGB.");
        Table("Mean colour of each class", "class-colours", audit.ClassColorFrame(), "The geological difference of report 1.4, measured.");
        Figure("RGB distributions (train solid, test dashed)", "figure2-rgb-histograms", AuditCharts.RgbHistograms(audit),
            "The test desert is darker and redder in every channel: the colour shift the report's section 1.4 describes.");
        Figure("Class distribution per split", "figure3-class-distribution", AuditCharts.ClassDistribution(audit),
            "Three classes are absent from test and Rocks is many times more common there: label shift on top of the colour shift.");
        Figure("Mean colour of each class per split", "class-colours", AuditCharts.ClassColors(audit),
            "The same class has another colour in the test desert, Rocks most of all.");

        // Each section asks for the runs it reads (Study.Phase trains one that is missing, or waits for the plan's executor
        // training it), so that the first sections are written while the last runs still train.
        log.WriteLine("Scoring (native resolution) and benchmarking");
        // Smoke scale checks the path: two timed repeats are enough there.
        var bench = study.Bench("5", repeats: study.Scale == "smoke" ? 2 : 5);
        var p5 = study.Phase("5").Directory.ReadHistory();
        var val = study.Score("5", FalconLayout.Val);
        var test = study.Score("5", FalconLayout.Test);
        var testTta = study.Score("5", FalconLayout.Test, Study.Tta);
        var p3Test = study.Score("3", FalconLayout.Test);
        _page.StartSection("The phases",
            "Phase 2 (square crops), Phase 3 (native aspect ratio, 10 classes) and Phase 5 (7 classes, absent classes ignored), " +
            "trained in that order, each from the one before (report sections 3 to 5).");
        Table("Table 6: final model", "table6-final-model", StudyTables.Table6(study, bench),
            "Measured on this machine at this scale; the report used an RTX 5050 with bf16 at 512x896.");
        Figure("Phase 5 training and validation loss", "figure5-loss", TrainingCharts.Loss(p5),
            "Both losses fall together: the model does not overfit its own desert.");
        Figure("Phase 5 validation mIoU, test mIoU dashed", "figure5-miou", TrainingCharts.MeanIoU(p5, test.Metrics.MeanIoU),
            "The distance between the two lines is the domain gap; validation cannot see it.");
        Figure("Learning rate per parameter group", "figure5-learning-rate", TrainingCharts.LearningRates(p5),
            "Warm-up, the frozen encoder's first epochs, then the cosine decay, per group.");
        Table("Table 7: per-class IoU, validation vs test", "table7-per-class-iou", StudyTables.Table7(study),
            "Final (Phase 5) model; test with multi-scale TTA, as the report's Table 7.");
        Figure("Per-class IoU, validation vs test", "figure6-val-vs-test", EvaluationCharts.ValTestIoU(val, testTta),
            "Sky and landscape carry over to the test desert; Rocks collapses.");

        _page.StartSection("Ablations", "What each change bought, and the ideas that did not help (report sections 6 and 7).");
        var table8 = StudyTables.Table8Rows(study);
        Table("Table 8: ablation — what improved what", "table8-ablation", StudyTables.Frame(table8),
            "Test scores at native resolution; 10-class rows with the test split's absent classes suppressed where marked.");
        Figure("Ablation, measured vs report", "figure7-ablation",
            TrainingCharts.Ablation(table8.Select(r => (r.Config, r.Test, r.ReportTest)).ToList()),
            "Each configuration's test mIoU here beside the report's: the order of the steps is what should match.");
        Table("Table 2: strategies for the classes absent from test", "table2-absent-classes",
            StudyTables.Frame(StudyTables.Table2Rows(study)),
            "Merging maps Ground Clutter -> Landscape, Flowers -> Dry Grass, Logs -> Trees (the report names only Flowers -> Dry Grass).");
        Table("Table 9: failed domain-gap mitigations", "table9-failed-ideas", StudyTables.Frame(StudyTables.Table9Rows(study)),
            "OHEM follows MMSegmentation's OHEMPixelSampler on the CE term; CutMix follows Yun et al. on half the batches.");
        Table("Table 10: diminishing returns", "table10-diminishing-returns", StudyTables.Table10(study, bench),
            "Training hours are this machine's wall time for this scale; the TTA row is inference time over the test split.");

        _page.StartSection("Failures", "Where the test desert's pixels go, and the images the model gets most and least right (report section 8).");
        Figure("Confusion matrix: Phase 3 (10 classes) on test, no suppression", "confusion-phase3-test",
            EvaluationCharts.ConfusionHeatmap(p3Test),
            $"Test Rocks predicted as Ground Clutter: {FailureAnalysis.Share(p3Test, "Rocks", "Ground Clutter"):P0} " +
            $"(report: {ReportedNumbers.TestRocksAsGroundClutter:P0}).");
        Figure("Confusion matrix: Phase 5 (7 classes) on test, TTA", "confusion-phase5-test", EvaluationCharts.ConfusionHeatmap(testTta),
            "With the absent classes gone, Rocks pixels go to the classes that remain most like them.");
        Table("Where test Rocks pixels go (Phase 3, 10 classes, no suppression)", "rocks-phase3-test",
            FailureAnalysis.WhereClassGoes(p3Test, "Rocks"),
            "One row of the normalised confusion matrix.");
        log.WriteLine("Failure and success examples (Figures 8 and 9)");
        var predictor = study.Predictor("5");
        Gallery("Worst test images (Phase 5, TTA)", "figure8-failures",
            FailureAnalysis.Gallery(FailureAnalysis.Worst(testTta, 3), predictor, Study.Tta));
        Gallery("Best test images (Phase 5, TTA)", "figure9-successes",
            FailureAnalysis.Gallery(FailureAnalysis.Best(testTta, 3), predictor, Study.Tta));

        _page.StartSection("Beyond the report",
            "What the report could not do: estimate the score in the test desert without its labels, choose the epoch without the " +
            "test set, and close the gap with domain adaptation, measured against a fair oracle.");
        log.WriteLine("Beyond the report: label-free estimates and selection without test labels");
        Table("How good is Phase 5 in the test desert, without its labels?", "label-free-estimates", LabelFreeTables.Estimates(study),
            "Each estimator is fitted on labelled val and reads the lab's unlabelled target images (disjoint from test); " +
            "the truth column is the test split's mIoU. naive = val mIoU. desertseg estimate does the same for any folder.");
        Table("Choosing the epoch without test labels", "selection-comparison", LabelFreeTables.Selection(study),
            $"One run ({LabelFreeTables.SelectionRun}), its epoch chosen three ways; test mIoU at the model's input size, " +
            "recorded every epoch only to compare. The test row reads test labels (the report's selection): an upper bound.");
        AdaptationResult? best = adaptation ? WriteAdaptation() : null;

        _page.Lede($"Scale {study.Scale} on {study.Data.Root} (data fingerprint {study.DatasetFingerprint}), " +
            $"written {DateTimeOffset.Now:yyyy-MM-dd HH:mm zzz}. Every measured number comes from the runs listed at the end; " +
            "report columns are the original report's figures on the real Falcon data set. Scores are at native resolution " +
            "(logits upsampled before argmax) unless a table says otherwise.");
        _page.Summary(new("Validation mIoU (Phase 5)", $"{ReportedNumbers.Table6.ValMeanIoU:F4}", $"{val.Metrics.MeanIoU:F4}"));
        _page.Summary(new("Test mIoU (Phase 5)", $"{ReportedNumbers.Table6.TestMeanIoU:F4}", $"{test.Metrics.MeanIoU:F4}"));
        _page.Summary(new("Test mIoU with TTA", $"{ReportedNumbers.Table6.TestMeanIoUTta:F4}", $"{testTta.Metrics.MeanIoU:F4}"));
        _page.Summary(new("Domain gap (val - test)", $"{ReportedNumbers.Table6.ValMeanIoU - ReportedNumbers.Table6.TestMeanIoU:F4}",
            $"{val.Metrics.MeanIoU - test.Metrics.MeanIoU:F4}"));
        _page.Summary(new("Test Rocks predicted as Ground Clutter (Phase 3)", $"{ReportedNumbers.TestRocksAsGroundClutter:P0}",
            $"{FailureAnalysis.Share(p3Test, "Rocks", "Ground Clutter"):P0}"));
        if (best is not null)
            _page.Summary(new("Best domain-adaptation line (beyond the report)", "none built",
                $"{best.Method}: test mIoU {best.Test.Metrics.MeanIoU:F4}"));
        _page.Summary(new("Scale and data", "full: ResNet-101, 512x896, real Falcon",
            $"{study.Scale}: {study.Config("5").Model.Encoder}, {study.Config("5").Height}x{study.Config("5").Width}, " +
            Path.GetFileName(study.Data.Root.TrimEnd(Path.DirectorySeparatorChar))));
        _page.Provenance(ProvenanceHtml());

        if (_pngs.Count > 0)
        {
            log.WriteLine($"Rendering {_pngs.Count} PNG figures");
            ChartImageExport.SaveMany(_pngs);
        }
        string index = Path.Combine(Folder, "index.html");
        AtomicFile.WriteAllText(index, _page.Render());
        return new ReportOutput(Folder,
            _tables.Select(t => Path.Combine(TablesFolder, t + ".md")).ToList(),
            _figures.Select(f => Path.Combine(FiguresFolder, f + ".html")).ToList(), index);
    }

    private readonly List<string> _adaptationRuns = [];

    /// <summary>Val images in the main job's corruption subset: enough for a stable mean at a fraction of the split's cost.</summary>
    private int ValCImages => study.Scale == "smoke" ? 2 : 16;
    private readonly List<(GenericChart Chart, string Path, int Width, int Height)> _pngs = [];

    /// <summary>Beyond the report: the domain-adaptation lab's table, per-class and gap-closed charts and a Rocks gallery;
    /// returns the best line.</summary>
    private AdaptationResult WriteAdaptation()
    {
        study.Log.WriteLine("Domain adaptation (beyond the report): source-only, each method, oracle");
        using var lab = new AdaptationStudy(study);
        study.Log.WriteLine("Corruption suite (val-C subset): source-only, AdaBN, TENT, self-training");
        var valC = LabRobustness.Subset(study, ValCImages, line => study.Log.WriteLine($"val-C: {line}"));
        var results = lab.Produce(lab.AvailableLines, method => study.Log.WriteLine($"Domain adaptation: {method.Label}"));
        _adaptationRuns.AddRange(results.Select(r => $"{r.Method}: {r.Evidence}"));
        var best = AdaptationTable.Best(results);
        var source = AdaptationTable.Source(results);
        Table("Domain adaptation: test mIoU, gap closed and per-class IoU", "adaptation-table", AdaptationTable.Of(results),
            $"Target: {lab.Target.Count} unlabelled images of the test environment " +
            $"({lab.Target.Folder}, hash {lab.Target.Fingerprint}), disjoint from the test split" +
            $"{(study.Options.Transductive ? " (TRANSDUCTIVE: overlap allowed)" : "")}. " +
            "Gap closed = (method - source) / (oracle - source). " +
            $"Best: {best.Method}, Rocks IoU {source.Test.IoU("Rocks"):F3} -> {best.Test.IoU("Rocks"):F3}.");
        Figure("Domain adaptation: per-class test IoU", "adaptation-per-class", AdaptationCharts.PerClassIoU(results),
            "Which classes each method moves: colour-level methods barely touch Rocks, whose problem is what the rocks are.");
        Figure("Domain adaptation: share of the gap closed", "adaptation-gap-closed", AdaptationCharts.GapClosed(results),
            "1 is as good as the oracle trained on labelled scenes of the test desert; below 0 the method hurts.");
        Gallery($"Test Rocks before and after: {source.Method} vs {best.Method}", "adaptation-rocks",
            RocksGallery.BeforeAfter(lab, source, best));
        Table("Shifts nobody here designed: val mIoU under corruptions (Hendrycks and Dietterich), severity 3", "adaptation-val-c",
            valC,
            $"{ValCImages} val images corrupted by {string.Join(", ", LabRobustness.Corruptions)} at severity {LabRobustness.Severity}; " +
            "AdaBN re-estimates BatchNorm statistics on each corrupted set, TENT adapts online on it. " +
            "The full grid: desertseg robustness.");
        return best;
    }

    private void Table(string title, string name, DataFrame frame, string note)
    {
        TableExport.SaveCsv(frame, Path.Combine(TablesFolder, name + ".csv"));
        TableExport.SaveMarkdown(frame, Path.Combine(TablesFolder, name + ".md"), title);
        _tables.Add(name);
        _page.Table(title, name, note, frame);
    }

    /// <param name="caption">One sentence: what to see in it.</param>
    private void Figure(string title, string name, GenericChart chart, string caption)
    {
        ChartExport.SaveHtml(chart, Path.Combine(FiguresFolder, name + ".html"));
        // PNGs are rendered together at the end: one browser start for every figure.
        if (_png) _pngs.Add((chart, Path.Combine(FiguresFolder, name + ".png"), 900, 500));
        _figures.Add(name);
        _page.Figure(title, name, caption, chart);
    }

    private void Gallery(string title, string name, IReadOnlyList<GalleryItem> items)
    {
        AtomicFile.WriteAllText(Path.Combine(FiguresFolder, name + ".html"), EvaluationCharts.GalleryPage(title, items));
        for (int i = 0; i < items.Count; i++)
            AtomicFile.WriteAllBytes(Path.Combine(FiguresFolder, $"{name}-{i + 1}.png"), items[i].ToPng());
        _page.Gallery(title, name, items.Select(i => (i.Id, i.Caption)).ToList());
    }

    private string ProvenanceHtml()
    {
        string E(string s) => WebUtility.HtmlEncode(s);
        var html = new StringBuilder("<ul>");
        foreach (var phase in Phases)
        {
            var run = study.Phase(phase);
            var status = run.Directory.ReadStatus();
            html.Append($"<li>{E(run.Config.Name)}: {E(run.Config.Description)}, " +
                    $"{run.Config.Model.Encoder} {run.Config.Height}x{run.Config.Width}, ")
                .Append($"{run.Config.Epochs} epochs, best val mIoU (input size) {status?.BestValMeanIoU:F4} — " +
                    $"<code>{E(run.Directory.Path)}</code></li>");
        }
        foreach (var line in _adaptationRuns) html.Append($"<li>Domain adaptation — {E(line)}</li>");
        html.Append("</ul>");
        // The notebooks, executed without .NET Interactive (`reproduce --notebooks` or `desertseg notebook NN`), beside the page.
        string notebooks = Path.Combine(Workspace.Root, "notebooks");
        if (Directory.Exists(notebooks))
        {
            html.Append("<p>The notebooks, run without Polyglot Notebooks (<code>reproduce --notebooks</code> makes every page, " +
                "<code>desertseg notebook NN</code> one):</p><ul>");
            foreach (string dib in Directory.GetFiles(notebooks, "*.dib").Where(f => Path.GetFileName(f) != "open.dib").Order(StringComparer.Ordinal))
            {
                string name = Path.GetFileNameWithoutExtension(dib);
                bool made = File.Exists(Path.Combine(NotebooksFolder, name + ".html"));
                html.Append($"<li><a href=\"notebooks/{E(name)}.html\">{E(name)}</a>{(made ? "" : " (not run yet)")}</li>");
            }
            html.Append("</ul>");
        }
        return html.ToString();
    }
}
