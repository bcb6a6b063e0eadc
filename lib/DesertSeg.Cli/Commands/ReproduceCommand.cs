using System.CommandLine;
using System.Diagnostics;
using DesertSeg.Lab;
using DesertSeg.Lab.Data;
using DesertSeg.Lab.Reporting.Charts;
using DesertSeg.Lab.Studies;
using DesertSeg.Lab.Training;
using Spectre.Console;

namespace DesertSeg.Cli.Commands;

/// <summary><c>desertseg reproduce</c>: every phase in dependency order, then report/ with every table and figure.</summary>
public static class ReproduceCommand
{
    public static Command Create()
    {
        var scale = new Option<string>("--scale")
        {
            Description = "quick (2 CPU cores, about 24-27 min from nothing), full (report settings, CUDA) or smoke (2-3 minutes, for checks).",
            DefaultValueFactory = _ => "quick"
        };
        var data = new Option<string?>("--data")
        {
            Description = "Data set folder (Falcon layout). Default: the embedded synthetic data set."
        };
        var outDir = new Option<string?>("--out") { Description = "Report folder (default: report/ in the workspace)." };
        var runs = new Option<string?>("--runs") { Description = "Runs folder (default: runs/ in the workspace, or DESERTSEG_RUNS)." };
        var force = new Option<bool>("--force") { Description = "Retrain every phase even if finished runs exist." };
        var noPng = new Option<bool>("--no-png")
        {
            Description = "Skip PNG figures (no browser needed); HTML figures are always written. Without a browser this is automatic."
        };
        var training = new TrainingArguments();
        var noAdaptation = new Option<bool>("--no-adaptation")
        {
            Description = "Only the report's phases: leave out the domain-adaptation lab (beyond the report)."
        };
        var command = new Command("reproduce",
            "Reproduce the report: train every phase (reusing finished runs), score, benchmark, and write report/ " +
            "(tables as Markdown+CSV, figures as PNG+HTML, index.html).")
        {
            scale, data, outDir, runs, force, noPng, noAdaptation,
        };
        foreach (var option in training.All) command.Options.Add(option);
        command.SetAction(r => CommandGuard.Run(() =>
        {
            var clock = Stopwatch.StartNew();
            // Decided before any work: a missing browser must not fail the job after the training.
            bool png = !r.GetValue(noPng);
            if (png && ChartImageExport.FindBrowser() is null)
            {
                png = false;
                AnsiConsole.MarkupLine("[yellow]notice:[/] no Chromium/Chrome/Edge found: figures are written as interactive HTML only. " +
                    "PNG/SVG export needs one (Debian: apt-get install chromium; or set DESERTSEG_CHROMIUM).");
            }
            var options = training.Build(r);
            var dataset = FalconDataset.Open(r.GetValue(data) ?? EmbeddedData.Ensure());
            var store = r.GetValue(runs) is { } folder ? new RunStore(folder) : RunStore.Default;
            string report = r.GetValue(outDir) ?? Path.Combine(Workspace.Root, "report");
            var log = new TimedLog(clock);
            using var study = new Study(dataset, r.GetValue(scale)!, store, options, new EpochLineObserver(log), r.GetValue(force), log)
            {
                CancellationSource = () => CommandGuard.Cancellation,
            };
            study.CheckEncoderWeights();
            bool adaptation = !r.GetValue(noAdaptation);
            if (adaptation && options.TargetFolder is null && !Directory.Exists(TargetLayout.UnlabelledFolder(dataset.Root)))
            {
                adaptation = false;
                AnsiConsole.MarkupLine("[yellow]notice:[/] no target-domain images (--target DIR) for this data set: " +
                    "the domain-adaptation section is left out.");
            }
            var output = new ReportWriter(study, report).Write(pngFigures: png, adaptation: adaptation);
            AnsiConsole.MarkupLineInterpolated(
                $"Report: [bold]{output.Index}[/] ({output.Tables.Count} tables, {output.Figures.Count} figures) in {
                    clock.Elapsed.TotalMinutes:F1} min.");
            return CommandGuard.Ok;
        }));
        return command;
    }

    /// <summary>Progress lines prefixed with the elapsed time, so a long reproduction shows where it is.</summary>
    private sealed class TimedLog(Stopwatch clock) : TextWriter
    {
        public override System.Text.Encoding Encoding => Console.Out.Encoding;
        public override void WriteLine(string? value) => Console.WriteLine($"[{clock.Elapsed:mm\\:ss}] {value}");
        public override void Write(char value) => Console.Write(value);
    }
}
