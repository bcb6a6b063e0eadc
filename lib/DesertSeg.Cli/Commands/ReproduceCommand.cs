using System.CommandLine;
using System.Diagnostics;
using DesertSeg.Lab;
using DesertSeg.Lab.Plans;
using DesertSeg.Lab.Reporting.Charts;
using DesertSeg.Lab.Studies;
using DesertSeg.Lab.Training;
using Spectre.Console;
using DeviceType = TorchSharp.DeviceType;

namespace DesertSeg.Cli.Commands;

/// <summary>
/// <c>desertseg reproduce</c>: trains the plan (<see cref="ExperimentPlan"/>) with N slots, each run after the runs it
/// starts from, then scores and writes report/ with every table and figure in this process.
/// </summary>
public static class ReproduceCommand
{
    public static Command Create()
    {
        var arguments = new PlanArguments();
        var outDir = new Option<string?>("--out") { Description = "Report folder (default: report/ in the workspace)." };
        var force = new Option<bool>("--force") { Description = "Retrain every run of the plan even if finished runs exist." };
        var noPng = new Option<bool>("--no-png")
        {
            Description = "Skip PNG figures (no browser needed); HTML figures are always written. Without a browser this is automatic."
        };
        var jobs = new Option<int?>("--jobs")
        {
            Description = "Trainings at once, each a child 'desertseg train' with its share of the cores (CPU) or its own GPU " +
                "(--devices). Default: one per GPU on CUDA; on a CPU 2 with 2 or more cores (measured faster: docs/performance.md), else 1. " +
                "1 trains in this process.",
        };
        var devices = new Option<string?>("--devices")
        {
            Description = "GPUs for the slots, e.g. cuda:0,cuda:1 (slot i trains on the i-th; --jobs defaults to their number).",
        };
        var command = new Command("reproduce",
            "Reproduce the report: train the plan (reusing finished runs, resuming interrupted ones), score, benchmark, and write " +
            "report/ (tables as Markdown+CSV, figures as PNG+HTML, index.html). 'desertseg plan' shows the plan.")
        {
            outDir, force, noPng, jobs, devices,
        };
        foreach (var option in arguments.All) command.Options.Add(option);
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
            var log = new TimedLog(clock);
            var slots = Slots(r.GetValue(jobs), r.GetValue(devices), arguments.Training.Build(r));
            bool forced = r.GetValue(force);
            // The report's study (the first seed's): it trains nothing once the plan is done; only a forced job with one slot
            // trains here, each run once.
            var context = arguments.Open(r, new EpochLineObserver(log), log, forced && slots.Count == 1);
            using var reportStudy = context.Study;
            reportStudy.CancellationSource = () => CommandGuard.Cancellation;
            reportStudy.CheckEncoderWeights();
            if (context.LabLeftOut)
                AnsiConsole.MarkupLine("[yellow]notice:[/] no target-domain images (--target DIR) for this data set: " +
                    "the domain-adaptation section is left out.");
            TrainPlan(context, slots, forced, reportStudy, log);
            string report = r.GetValue(outDir) ?? Path.Combine(Workspace.Root, "report");
            var output = new ReportWriter(reportStudy, report).Write(pngFigures: png, adaptation: context.Adaptation);
            AnsiConsole.MarkupLineInterpolated(
                $"Report: [bold]{output.Index}[/] ({output.Tables.Count} tables, {output.Figures.Count} figures) in {
                    clock.Elapsed.TotalMinutes:F1} min.");
            return CommandGuard.Ok;
        }));
        return command;
    }

    /// <summary>Where each slot trains: its device (null: the process's default) and its LibTorch threads.</summary>
    private sealed record Slot(string? Device, int? Threads);

    private static IReadOnlyList<Slot> Slots(int? jobs, string? devices, TrainingOptions options)
    {
        var gpus = devices?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [];
        bool cpu = gpus.Length == 0 && options.ResolveDevice().type == DeviceType.CPU;
        int count = jobs ?? (gpus.Length > 0 ? gpus.Length : cpu && Environment.ProcessorCount >= 2 ? 2 : 1);
        if (count < 1) throw new ArgumentException($"--jobs must be 1 or more, got {count}.");
        if (gpus.Length > 0 && count > gpus.Length)
            throw new ArgumentException($"--jobs {count} with {gpus.Length} device(s) in --devices: give one device per slot.");
        // On a CPU each slot gets its share of the cores; on GPUs each slot its own device (and a share of the cores to feed it).
        int? threads = count == 1 ? null : Math.Max(1, Environment.ProcessorCount / count);
        return Enumerable.Range(0, count).Select(i => new Slot(gpus.Length > 0 ? gpus[i] : null, threads)).ToList();
    }

    /// <summary>
    /// Trains what the plan still needs: with one slot in this process (the report's study, so that a forced job retrains each
    /// run once), with more as child <c>desertseg train</c> processes. A failed run stops the job before the report, naming it;
    /// the runs that do not wait for it are trained first, and every finished run is kept.
    /// </summary>
    private static void TrainPlan(PlanArguments.Context context, IReadOnlyList<Slot> slots, bool forced, Study reportStudy, TextWriter log)
    {
        var states = context.States();
        var done = forced ? new HashSet<PlannedRun>() : states.Where(s => s.Standing == RunStanding.Finished).Select(s => s.Run).ToHashSet();
        if (done.Count == states.Count) return;
        log.WriteLine($"The plan: {states.Count - done.Count} of {states.Count} run(s) to train, {slots.Count} at once" +
            (slots[0].Threads is { } t ? $", {t} thread(s) each" : ""));
        var seedStudies = new Dictionary<int, (Study Study, AdaptationStudy Lab)>();
        Task Train(PlannedRun run, int slot, CancellationToken cancellation)
        {
            if (slots.Count > 1)
            {
                var arguments = context.Line.Arguments(run, slots[slot].Threads, slots[slot].Device).ToList();
                if (forced) arguments.Add("--force");
                log.WriteLine($"{run.Id}: starting (slot {slot + 1})");
                return TrainingProcess.RunAsync(arguments, run.Id, log, cancellation);
            }
            if (!seedStudies.TryGetValue(run.Seed, out var owner))
            {
                var study = run.Seed == reportStudy.Seed ? reportStudy
                    : new Study(reportStudy.Data, reportStudy.Scale, reportStudy.Store, reportStudy.Options, reportStudy.Observer,
                        forced, log, run.Seed) { CancellationSource = reportStudy.CancellationSource };
                seedStudies[run.Seed] = owner = (study, new AdaptationStudy(study));
            }
            var runStudy = run.Environments == 1 ? owner.Study : owner.Lab.EnvironmentStudy(run.Environments, run.HeldOut);
            runStudy.Phase(run.Phase);
            return Task.CompletedTask;
        }
        try
        {
            var outcome = PlanExecutor.RunAsync(context.Plan, slots.Count, done, Train, r => states.Single(s => s.Run == r).Steps,
                CommandGuard.Cancellation).GetAwaiter().GetResult();
            CommandGuard.Cancellation.ThrowIfCancellationRequested();
            if (!outcome.Succeeded)
                throw new InvalidOperationException(
                    $"{outcome.Failed.Count} run(s) failed: {string.Join("; ", outcome.Failed.Select(f => $"{f.Run.Id} ({f.Reason})"))}" +
                    (outcome.NotStarted.Count > 0 ? $"; {outcome.NotStarted.Count} waiting for them not started" : "") +
                    ". Every finished run is kept: run the same command again to go on (the log above has each run's lines).");
        }
        finally
        {
            foreach (var (study, lab) in seedStudies.Values)
            {
                lab.Dispose();
                if (study != reportStudy) study.Dispose();
            }
        }
    }

    /// <summary>Progress lines prefixed with the elapsed time, so a long reproduction shows where it is.</summary>
    private sealed class TimedLog(Stopwatch clock) : TextWriter
    {
        private readonly Lock _lock = new();
        public override System.Text.Encoding Encoding => Console.Out.Encoding;
        public override void WriteLine(string? value)
        {
            lock (_lock) Console.WriteLine($"[{clock.Elapsed:mm\\:ss}] {value}");
        }
        public override void Write(char value)
        {
            lock (_lock) Console.Write(value);
        }
    }
}
