using System.CommandLine;
using DesertSeg.Lab.Data;
using DesertSeg.Lab.Data.Audit;
using DesertSeg.Lab.Reporting;
using Spectre.Console;

namespace DesertSeg.Cli.Commands;

/// <summary><c>desertseg audit</c>: the data audit of report sections 1.2-1.4 and 7.2.</summary>
public static class AuditCommand
{
    public static Command Create()
    {
        var data = new Option<string?>("--data")
        {
            Description = "Data set folder (Falcon layout, a Color_Images folder, or a folder of images). " +
                          "Default: the embedded synthetic data set, generated on first use.",
        };
        var outDir = new Option<string?>("--out")
        {
            Description = "Also write the tables (CSV) and charts (HTML) of the audit to this folder.",
        };
        var command = new Command("audit",
            "Audit a data set: pairing, sizes, mask formats and values, class shares (Table 1), mean RGB and histograms (Figure 2).")
        {
            data, outDir,
        };
        command.SetAction(result => CommandGuard.Run(() =>
            Run(result.GetValue(data), result.GetValue(outDir))));
        return command;
    }

    private static int Run(string? dataPath, string? outDir)
    {
        string root = dataPath ?? EmbeddedData.Ensure();
        var dataset = FalconDataset.Open(root);
        AnsiConsole.MarkupLineInterpolated(
            $"Auditing [bold]{dataset.Root}[/] ({string.Join(", ", dataset.Splits.Select(s => $"{s.Name}: {s.Count} pairs"))})");
        var audit = ConsoleProgress.Run("Reading images and masks", DatasetAuditor.FileCount(dataset),
            progress => DatasetAuditor.Audit(dataset, progress));

        AuditConsole.Print(audit);
        if (outDir is not null)
        {
            var written = AuditExport.Write(audit, outDir);
            AnsiConsole.MarkupLineInterpolated($"Wrote {written.Count} files to [bold]{Path.GetFullPath(outDir)}[/]");
        }

        if (audit.Problems.Count == 0) return CommandGuard.Ok;
        AnsiConsole.MarkupLineInterpolated($"[red]{audit.Problems.Count} problem(s) found:[/]");
        foreach (var problem in audit.Problems.Take(50)) CommandGuard.Error(problem.ToString());
        if (audit.Problems.Count > 50) AnsiConsole.WriteLine($"... and {audit.Problems.Count - 50} more.");
        return CommandGuard.Failed;
    }
}
