using System.CommandLine;
using System.Diagnostics;
using DesertSeg.Lab;
using DesertSeg.Lab.Data;
using DesertSeg.Lab.Devices;
using DesertSeg.Lab.Reporting.Charts;
using DesertSeg.Lab.Studies;
using DesertSeg.Lab.Training;
using Spectre.Console;
using DeviceType = TorchSharp.DeviceType;

namespace DesertSeg.Cli.Commands;

/// <summary><c>desertseg reproduce</c>: every phase in dependency order, then report/ with every table and figure.</summary>
public static class ReproduceCommand
{
    public static Command Create()
    {
        var scale = new Option<string>("--scale")
        {
            Description = "quick (2 CPU cores, about 22-26 min from nothing), full (report settings, CUDA) or smoke (2-3 minutes, for checks).",
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
        var lanes = new Option<int?>("--lanes")
        {
            Description = "Trainings at once on a CPU: 2 (default with 2 or more cores and without --force: a second process trains " +
                "the job's runs from the far end of its list, each training with half the cores) or 1 (one after another, all cores)."
        };
        var secondLane = new Option<bool>(SecondLaneProcess.Option) { Hidden = true };
        var command = new Command("reproduce",
            "Reproduce the report: train every phase (reusing finished runs), score, benchmark, and write report/ " +
            "(tables as Markdown+CSV, figures as PNG+HTML, index.html).")
        {
            scale, data, outDir, runs, force, noPng, noAdaptation, lanes, secondLane,
        };
        foreach (var option in training.All) command.Options.Add(option);
        command.SetAction(r => CommandGuard.Run(() =>
        {
            if (r.GetValue(secondLane)) return RunSecondLane(r, scale, data, runs, noAdaptation, training);
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
            int laneCount = r.GetValue(lanes) ?? (r.GetValue(force) || options.ResolveDevice().type != DeviceType.CPU
                || Environment.ProcessorCount < 2 ? 1 : 2);
            if (laneCount is not (1 or 2)) throw new ArgumentException($"--lanes must be 1 or 2, got {laneCount}.");
            if (laneCount == 2 && r.GetValue(force))
                throw new ArgumentException("--force retrains every run in this process: it takes --lanes 1.");
            if (laneCount == 2) options = options with { Threads = LaneThreads };
            // With two lanes this process keeps to half the cores for everything (scoring too): a 2-thread parallel region
            // beside the other lane's training waits at every barrier for a thread the system has put aside (measured: the
            // scoring stage took 241 s instead of 80). A fixed count also keeps every number independent of timing.
            using var threads = LibTorchThreads.Use(laneCount == 2 ? LaneThreads : null);
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
            if (adaptation && !HasTargetImages(options, dataset))
            {
                adaptation = false;
                AnsiConsole.MarkupLine("[yellow]notice:[/] no target-domain images (--target DIR) for this data set: " +
                    "the domain-adaptation section is left out.");
            }
            // After the data set exists (the lane must not generate it too) and its target images were checked.
            using var lane = laneCount == 2 ? SecondLaneProcess.Start(log, CommandGuard.Cancellation) : null;
            var output = new ReportWriter(study, report).Write(pngFigures: png, adaptation: adaptation);
            // A lane that failed only cost time (the job trained and made what it left), but it must not pass unseen.
            if (lane?.Finish(TimeSpan.FromSeconds(60)) is { } laneExit and not CommandGuard.Ok)
                AnsiConsole.MarkupLineInterpolated(
                    $"[yellow]notice:[/] the second lane ended with exit code {laneExit} (its lines above, marked 'lane 2'); the job did what it left.");
            AnsiConsole.MarkupLineInterpolated(
                $"Report: [bold]{output.Index}[/] ({output.Tables.Count} tables, {output.Figures.Count} figures) in {
                    clock.Elapsed.TotalMinutes:F1} min.");
            return CommandGuard.Ok;
        }));
        return command;
    }

    /// <summary>Whether the lab has target-domain images: given with --target, or the data set's own.</summary>
    private static bool HasTargetImages(TrainingOptions options, FalconDataset dataset) =>
        options.TargetFolder is not null || Directory.Exists(TargetLayout.UnlabelledFolder(dataset.Root));

    /// <summary>LibTorch threads of each training when two lanes train at once: half the cores.</summary>
    private static int LaneThreads => Math.Max(1, Environment.ProcessorCount / 2);

    /// <summary>The second lane (<see cref="SecondLane"/>): the job's study, its plan from the far end, plain lines on stdout.</summary>
    private static int RunSecondLane(ParseResult r, Option<string> scale, Option<string?> data, Option<string?> runs,
        Option<bool> noAdaptation, TrainingArguments training)
    {
        var options = training.Build(r) with { Threads = LaneThreads };
        using var threads = LibTorchThreads.Use(LaneThreads);
        var dataset = FalconDataset.Open(r.GetValue(data) ?? EmbeddedData.Ensure());
        var store = r.GetValue(runs) is { } folder ? new RunStore(folder) : RunStore.Default;
        using var study = new Study(dataset, r.GetValue(scale)!, store, options, new EpochLineObserver(Console.Out), log: Console.Out)
        {
            CancellationSource = () => CommandGuard.Cancellation,
        };
        bool adaptation = !r.GetValue(noAdaptation) && HasTargetImages(options, dataset);
        var work = SecondLane.Run(study, adaptation);
        Console.WriteLine($"done: trained {Listed(work.Trained, "run(s)")}; {Listed(work.Lines, "lab line(s) made or found made")}");
        return CommandGuard.Ok;
    }

    /// <summary>"3 run(s): a, b, c", or "0 run(s)".</summary>
    private static string Listed<T>(IReadOnlyList<T> items, string what) =>
        $"{items.Count} {what}{(items.Count > 0 ? ": " + string.Join(", ", items) : "")}";

    /// <summary>Progress lines prefixed with the elapsed time, so a long reproduction shows where it is.</summary>
    private sealed class TimedLog(Stopwatch clock) : TextWriter
    {
        public override System.Text.Encoding Encoding => Console.Out.Encoding;
        public override void WriteLine(string? value) => Console.WriteLine($"[{clock.Elapsed:mm\\:ss}] {value}");
        public override void Write(char value) => Console.Write(value);
    }
}
