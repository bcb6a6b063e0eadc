using DesertSeg.Lab.Evaluation;
using DesertSeg.Lab.IO;
using DesertSeg.Lab.Reporting.Charts;

namespace DesertSeg.Lab.Reporting;

/// <summary>Writes a split's scores as tables (CSV, Markdown) and charts (self-contained HTML) to a folder.</summary>
public static class EvaluationExport
{
    /// <summary>Per-class table, confusion (counts and row shares), per-image table, heatmap and IoU chart, named after
    /// <paramref name="prefix"/>.</summary>
    public static IReadOnlyList<string> Write(SplitScore score, string folder, string? prefix = null)
    {
        Directory.CreateDirectory(folder);
        prefix ??= score.Split;
        var written = new List<string>();
        void Table(string name, Microsoft.Data.Analysis.DataFrame frame, string title)
        {
            TableExport.SaveCsv(frame, Path.Combine(folder, $"{prefix}-{name}.csv"));
            TableExport.SaveMarkdown(frame, Path.Combine(folder, $"{prefix}-{name}.md"), title);
            written.Add($"{prefix}-{name}.csv");
            written.Add($"{prefix}-{name}.md");
        }
        var m = score.Metrics;
        Table("per-class", FailureAnalysis.PerClassFrame(score),
            $"Per-class scores — {score.Label}. mIoU {m.MeanIoU:F4}, pixel accuracy {m.PixelAccuracy:F4}");
        Table("confusion-shares", FailureAnalysis.ConfusionFrame(score), $"Where each class's pixels go (rows sum to 1) — {score.Label}");
        Table("confusion-pixels", FailureAnalysis.ConfusionFrame(score, normalized: false),
            $"Confusion matrix in pixels — {score.Label}");
        TableExport.SaveCsv(FailureAnalysis.ImagesFrame(score), Path.Combine(folder, $"{prefix}-images.csv"));
        written.Add($"{prefix}-images.csv");
        ChartExport.SaveHtml(EvaluationCharts.ConfusionHeatmap(score), Path.Combine(folder, $"{prefix}-confusion.html"));
        ChartExport.SaveHtml(EvaluationCharts.ClassIoU(score), Path.Combine(folder, $"{prefix}-class-iou.html"));
        written.Add($"{prefix}-confusion.html");
        written.Add($"{prefix}-class-iou.html");
        return written;
    }

    /// <summary>Table 7 and Figure 6 for a validation and a test score.</summary>
    public static IReadOnlyList<string> WriteValTest(SplitScore val, SplitScore test, string folder)
    {
        Directory.CreateDirectory(folder);
        var frame = FailureAnalysis.ValTestFrame(val, test);
        TableExport.SaveCsv(frame, Path.Combine(folder, "table7-val-vs-test.csv"));
        TableExport.SaveMarkdown(frame, Path.Combine(folder, "table7-val-vs-test.md"),
            $"Table 7: per-class IoU, {val.Split} vs {test.Split} — {test.Method}; {test.Resolution}");
        ChartExport.SaveHtml(EvaluationCharts.ValTestIoU(val, test), Path.Combine(folder, "figure6-val-vs-test.html"));
        return ["table7-val-vs-test.csv", "table7-val-vs-test.md", "figure6-val-vs-test.html"];
    }

    /// <summary>A gallery as an HTML page plus one PNG per item in a sub-folder.</summary>
    public static IReadOnlyList<string> WriteGallery(string title, IReadOnlyList<GalleryItem> items, string folder, string name)
    {
        Directory.CreateDirectory(folder);
        AtomicFile.WriteAllText(Path.Combine(folder, name + ".html"), EvaluationCharts.GalleryPage(title, items));
        var written = new List<string> { name + ".html" };
        for (int i = 0; i < items.Count; i++)
        {
            string file = Path.Combine(name, $"{i + 1:D2}-{items[i].Id}.png");
            AtomicFile.WriteAllBytes(Path.Combine(folder, file), items[i].ToPng());
            written.Add(file);
        }
        return written;
    }
}
