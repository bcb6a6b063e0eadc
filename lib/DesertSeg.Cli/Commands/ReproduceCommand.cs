using System.CommandLine;
using System.Diagnostics;
using DesertSeg.Lab;
using DesertSeg.Lab.Devices;
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
        var notebooks = new Option<bool>("--notebooks")
        {
            Description = "After the report, run every notebook without .NET Interactive at the same scale and data (report/notebooks/, " +
                          "linked from the page).",
        };
        var jobs = new Option<int?>("--jobs")
        {
            Description = "Trainings at once, each a child 'desertseg train' with its share of the cores (CPU) or its own GPU " +
                "(--devices). Default: one per GPU on CUDA; on a CPU 2 with 2 or more cores (measured faster: docs/performance.md), else 1.",
        };
        var devices = new Option<string?>("--devices")
        {
            Description = "GPUs for the slots, e.g. cuda:0,cuda:1 (slot i trains on the i-th; --jobs defaults to their number).",
        };
        var command = new Command("reproduce",
            "Reproduce the report: train the plan (reusing finished runs, resuming interrupted ones), score, benchmark, and write " +
            "report/ (tables as Markdown+CSV, figures as PNG+HTML, index.html). 'desertseg plan' shows the plan.")
        {
            outDir, force, noPng, jobs, devices, notebooks,
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
            // The report's study (the first seed's): once the plan is trained it finds every run finished and trains nothing.
            var context = arguments.Open(r, new EpochLineObserver(log), log);
            using var reportStudy = context.Study;
            reportStudy.CancellationSource = () => CommandGuard.Cancellation;
            reportStudy.CheckEncoderWeights();
            if (context.LabLeftOut)
                AnsiConsole.MarkupLine("[yellow]notice:[/] no target-domain images (--target DIR) for this data set: " +
                    "the domain-adaptation section is left out.");
            string report = r.GetValue(outDir) ?? Path.Combine(Workspace.Root, "report");
            var output = WriteBesideThePlan(context, slots, forced, log,
                () => new ReportWriter(reportStudy, report).Write(pngFigures: png, adaptation: context.Adaptation));
            AnsiConsole.MarkupLineInterpolated(
                $"Report: [bold]{output.Index}[/] ({output.Tables.Count} tables, {output.Figures.Count} figures) in {
                    clock.Elapsed.TotalMinutes:F1} min.");
            if (!r.GetValue(notebooks)) return CommandGuard.Ok;
            var failed = RunNotebooks(r.GetValue(arguments.Scale)!, r.GetValue(arguments.Data), r.GetValue(arguments.Runs),
                Path.Combine(report, "notebooks"), log);
            return failed == 0 ? CommandGuard.Ok : CommandGuard.Failed;
        }));
        return command;
    }

    /// <summary>Every notebook in a child <c>desertseg notebook</c> (one at a time: each reads runs the plan made); returns how many
    /// failed (each named in the log, its page showing the failed cell).</summary>
    private static int RunNotebooks(string scale, string? data, string? runs, string folder, TextWriter log)
    {
        int failed = 0;
        foreach (string dib in Lab.Notebooks.Scripting.IpynbFile.Notebooks(Path.Combine(Workspace.Root, "notebooks")))
        {
            string name = Path.GetFileNameWithoutExtension(dib);
            var arguments = new List<string> { "notebook", dib, "--scale", scale, "--out", folder };
            if (data is not null) arguments.AddRange(["--data", Path.GetFullPath(data)]);
            if (runs is not null) arguments.AddRange(["--runs", Path.GetFullPath(runs)]);
            try
            {
                TrainingProcess.RunAsync(arguments, name, TextWriter.Null, CommandGuard.Cancellation).GetAwaiter().GetResult();
                log.WriteLine($"notebook {name}: every cell ran -> {Path.Combine(folder, name + ".html")}");
            }
            catch (InvalidOperationException e)
            {
                failed++;
                log.WriteLine($"notebook {name}: FAILED ({e.Message}); its page shows the cell");
            }
        }
        return failed;
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
    /// Trains what the plan still needs, each run in a child <c>desertseg train</c> (the line a Slurm job runs), while this
    /// process writes the report: its study waits for a run the children are training (<see cref="PlanGate"/>) instead of
    /// training it, and reads it once it has ended. While children train on a CPU this process keeps to one LibTorch thread,
    /// so that no parallel region waits at a barrier for a core the children hold; once they are done it has every core. A
    /// failed run fails the job, naming it, after the runs that do not wait for it have trained; finished runs are kept.
    /// </summary>
    private static ReportOutput WriteBesideThePlan(PlanArguments.Context context, IReadOnlyList<Slot> slots, bool forced, TextWriter log,
        Func<ReportOutput> write)
    {
        var states = context.States();
        var done = forced ? new HashSet<PlannedRun>() : states.Where(s => s.Standing == RunStanding.Finished).Select(s => s.Run).ToHashSet();
        if (done.Count == states.Count) return write();
        log.WriteLine($"The plan: {states.Count - done.Count} of {states.Count} run(s) to train, {slots.Count} at once" +
            (slots[0].Threads is { } t ? $", {t} thread(s) each" : "") + "; the report is written beside them");
        Task Train(PlannedRun run, int slot, CancellationToken cancellation)
        {
            var arguments = context.Line.Arguments(run, slots[slot].Threads, slots[slot].Device).ToList();
            // Each run's child retrains it; the runs it starts from were retrained by their own children just before.
            if (forced) arguments.Add("--force");
            log.WriteLine($"{run.Id}: starting (slot {slot + 1})");
            return TrainingProcess.RunAsync(arguments, run.Id, log, cancellation);
        }
        var gate = new PlanGate(context.Plan.Runs.Where(r => !done.Contains(r)));
        var executor = PlanExecutor.RunAsync(context.Plan, slots.Count, done, Train, r => states.Single(s => s.Run == r).Steps,
            CommandGuard.Cancellation, gate.Ended);
        IDisposable? oneThread = slots[0].Device is null && slots[0].Threads is not null ? LibTorchThreads.Use(1) : null;
        context.Study.BeforePhase = run =>
        {
            gate.WaitFor(run, CommandGuard.Cancellation);
            // Back to every core on the thread that writes the report (LibTorch's count is per thread), once nothing trains.
            if (gate.AllEnded && oneThread is not null)
            {
                oneThread.Dispose();
                oneThread = null;
            }
        };
        try
        {
            var output = write();
            var outcome = executor.GetAwaiter().GetResult();
            if (!outcome.Succeeded) throw new InvalidOperationException(Failures(outcome));
            return output;
        }
        catch (Exception) when (!executor.IsCompleted)
        {
            // The report stopped (a failed run it needs, Ctrl+C): the runs still training finish or stop at their own pace.
            var outcome = executor.GetAwaiter().GetResult();
            if (!outcome.Succeeded && !CommandGuard.Cancellation.IsCancellationRequested) throw new InvalidOperationException(Failures(outcome));
            throw;
        }
        finally
        {
            context.Study.BeforePhase = null;
            oneThread?.Dispose();
        }
    }

    private static string Failures(PlanOutcome outcome) =>
        $"{outcome.Failed.Count} run(s) failed: {string.Join("; ", outcome.Failed.Select(f => $"{f.Run.Id} ({f.Reason})"))}" +
        (outcome.NotStarted.Count > 0 ? $"; {outcome.NotStarted.Count} waiting for them not started" : "") +
        ". Every finished run is kept: run the same command again to go on (the log above has each run's lines).";

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
