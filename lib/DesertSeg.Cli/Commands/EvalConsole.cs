using DesertSeg.Lab.Evaluation;
using DesertSeg.Lab.Reporting;
using Spectre.Console;

namespace DesertSeg.Cli.Commands;

/// <summary>Scores as console tables.</summary>
public static class EvalConsole
{
    public static void Print(SplitScore score)
    {
        var m = score.Metrics;
        // The label says what the numbers are (split, method, protocol, scheme); printed whole, never wrapped.
        Console.WriteLine();
        Console.WriteLine(score.Label);
        var table = new Table()
            .AddColumn("Class").AddColumn(new TableColumn("IoU").RightAligned()).AddColumn(new TableColumn("Precision").RightAligned())
            .AddColumn(new TableColumn("Recall").RightAligned()).AddColumn(new TableColumn("Truth %").RightAligned())
            .AddColumn(new TableColumn("Predicted %").RightAligned());
        static string F(double? v) => v?.ToString("F4") ?? "-";
        for (int c = 0; c < score.Scheme.Count; c++)
            table.AddRow(Markup.Escape(score.Scheme.Classes[c].Name), F(m.IoU[c]), F(m.Precision[c]), F(m.Recall[c]),
                (100.0 * m.TruePixels[c] / m.Pixels).ToString("F2"), (100.0 * m.PredictedPixels[c] / m.Pixels).ToString("F2"));
        AnsiConsole.Write(table);
        AnsiConsole.MarkupLineInterpolated(
            $"[bold]mIoU {m.MeanIoU:F4}[/] over {m.IoU.Count(v => v.HasValue)} classes with pixels, pixel accuracy {m.PixelAccuracy:F4}, {
                score.Images.Count} images, {m.Pixels:N0} labelled pixels.");
        // The report's headline failure: where test Rocks went.
        int rocks = score.Scheme.IndexOf("Rocks");
        if (rocks >= 0 && m.TruePixels[rocks] > 0)
        {
            var goes = FailureAnalysis.WhereClassGoes(score, "Rocks");
            var parts = Enumerable.Range(0, (int)Math.Min(3, goes.Rows.Count))
                .Select(i => $"{100 * (double)goes["Share"][i]:F0}% {goes["Predicted as"][i]}");
            AnsiConsole.MarkupLineInterpolated(
                $"Rocks pixels became: {string.Join(", ", parts)} (report, 10-class model on test: {
                    100 * ReportedNumbers.TestRocksAsGroundClutter:F0}% Ground Clutter).");
        }
    }

    public static void PrintValTest(SplitScore val, SplitScore test)
    {
        var frame = FailureAnalysis.ValTestFrame(val, test);
        var table = new Table().Title($"Table 7: per-class IoU, {val.Split} vs {test.Split}");
        foreach (var column in frame.Columns) table.AddColumn(new TableColumn(Markup.Escape(column.Name)));
        foreach (var row in frame.Rows)
            table.AddRow(row.Select(v => v switch { double d => d.ToString("F3"), null => "-", _ => Markup.Escape(v.ToString() ?? "") })
                .ToArray());
        table.AddRow("Mean", val.Metrics.MeanIoU.ToString("F3"), test.Metrics.MeanIoU.ToString("F3"),
            (val.Metrics.MeanIoU - test.Metrics.MeanIoU).ToString("F3"), "", "0.746", "0.448");
        AnsiConsole.Write(table);
    }
}
