using DesertSeg.Lab.Data.Audit;
using DesertSeg.Lab.Reporting;
using Spectre.Console;

namespace DesertSeg.Cli.Commands;

/// <summary>The audit as readable console tables.</summary>
public static class AuditConsole
{
    public static void Print(DatasetAudit audit)
    {
        var summary = new Table().Title("Splits")
            .AddColumns("Split", "Pairs", "Unpaired", "Image sizes", "Mask formats", "Unknown values", "Mean RGB", "Absent classes");
        foreach (var s in audit.Splits)
            summary.AddRow(new[] {
                s.Split, s.Pairs.ToString(), $"{s.ImagesWithoutMask.Count} img / {s.MasksWithoutImage.Count} mask",
                string.Join(", ", s.ImageSizes.Select(kv => $"{kv.Key} ×{kv.Value}")),
                s.HasMasks ? string.Join(", ", s.MaskFormats.Select(kv => $"{kv.Key} ×{kv.Value}")) : "(no masks)",
                s.UnknownValues.Count == 0 ? "none" : $"{string.Join(",", s.UnknownValues.Take(8))} ({s.UnknownValuePixels} px)",
                $"[{string.Join(", ", s.MeanRgb.Select(v => v.ToString("F0")))}]",
                string.Join(", ", s.AbsentClasses) }.Select(Markup.Escape).ToArray());
        AnsiConsole.Write(summary);

        var withMasks = audit.Splits.Where(s => s.HasMasks).ToList();
        if (withMasks.Count == 0) return;
        var table = new Table().Title("Class distribution, % of labelled pixels (Table 1)").AddColumn("Class").AddColumn("Raw");
        foreach (var s in withMasks) table.AddColumn(new TableColumn(s.Split).RightAligned());
        bool shift = audit.Has("train") && audit.Has("test") && audit["train"].HasMasks && audit["test"].HasMasks;
        if (shift) table.AddColumn(new TableColumn("Shift").RightAligned());
        table.AddColumn(new TableColumn("Report train/test").RightAligned());
        foreach (var c in Lab.Data.FalconClass.All)
        {
            var cells = new List<string> { c.Name, c.RawValue.ToString() };
            cells.AddRange(withMasks.Select(s => s[c.Name].Percent.ToString("F2")));
            if (shift)
            {
                var (train, test) = (audit["train"][c.Name], audit["test"][c.Name]);
                cells.Add(test.Pixels == 0 && train.Pixels > 0 ? "[red]Absent[/]" : (test.Percent - train.Percent).ToString("+0.00;-0.00"));
            }
            var (rTrain, rTest) = ReportedNumbers.ClassSharePercent[c.Name];
            cells.Add($"{rTrain:0.###} / {rTest:0.###}");
            table.AddRow(cells.ToArray());
        }
        AnsiConsole.Write(table);
        if (audit.Has("train") && audit.Has("test"))
        {
            var d = audit.MeanRgbShift();
            AnsiConsole.MarkupLineInterpolated(
                $"Mean RGB shift train -> test: [bold][[{d[0]:F0}, {d[1]:F0}, {d[2]:F0}]][/] (report: [[-26, -25, -13]])");
        }
    }
}
