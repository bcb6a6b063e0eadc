using System.CommandLine;
using DesertSeg.Lab.Data;
using DesertSeg.Lab.Estimation;
using DesertSeg.Lab.Training;
using Spectre.Console;

namespace DesertSeg.Cli.Commands;

/// <summary><c>desertseg train</c>: trains a report phase at a scale, reusing or resuming earlier runs.</summary>
public static class TrainCommand
{
    public static Command Create()
    {
        var phase = new Option<string?>("--phase")
        {
            Description = $"Report phase: {string.Join(", ", PhaseCatalog.Phases)}, " +
                          $"or a variant: {string.Join(", ", PhaseCatalog.Variants)}; " +
                          $"or a domain-adaptation run: {string.Join(", ", PhaseCatalog.AdaptationRuns)}."
        };
        var scale = new Option<string>("--scale")
        {
            Description = "full (report settings, for CUDA), quick (2 CPU cores) or smoke (seconds, for checks).",
            DefaultValueFactory = _ => "quick"
        };
        var data = new Option<string?>("--data")
        {
            Description = "Data set folder (Falcon layout). Default: the embedded synthetic data set."
        };
        var resume = new Option<string?>("--resume")
        {
            Description = "Continue an interrupted run in its own folder (its path, or its name under runs/); needs no --phase."
        };
        var force = new Option<bool>("--force") { Description = "Train again even if a finished run of this configuration exists." };
        var selectOnTest = new Option<bool>("--select-on-test")
        {
            Description = "Same as --select-on test."
        };
        var selectOn = new Option<string?>("--select-on")
        {
            Description = "What picks the best epoch: validation (default); target-estimate (the estimated mIoU on the unlabelled " +
                          "--target images, no target labels); test (the original's selection: leaks test data, for comparison only).",
        };
        var estimator = new Option<string?>("--estimator")
        {
            Description = $"With --select-on target-estimate: the estimator ({string.Join(", ", LabelFreeEstimators.Names)}; " +
                          $"default {LabelFreeEstimators.Default}).",
        };
        var recordTest = new Option<bool>("--record-test")
        {
            Description = "Score test after every epoch and keep it in the history, to compare selections afterwards " +
                          "(never used to select unless --select-on test).",
        };
        var epochs = new Option<int?>("--epochs")
        {
            Description = "Override the phase's number of epochs (the schedule is rebuilt for it)."
        };
        var workers = new Option<int?>("--workers")
        {
            Description = "Data loader threads (default: half the cores, leaving LibTorch room)."
        };
        var runs = new Option<string?>("--runs") { Description = "Runs folder (default: runs/ in the workspace, or DESERTSEG_RUNS)." };
        var training = new TrainingArguments();
        var command = new Command("train",
            "Train a phase of the report (e.g. train --phase 5 --scale quick). Finished runs are reused; interrupted ones resume.")
        {
            phase, scale, data, resume, force, selectOn, selectOnTest, estimator, recordTest, epochs, workers, runs,
        };
        foreach (var option in training.All) command.Options.Add(option);
        command.SetAction(r => CommandGuard.Run(() =>
        {
            var store = r.GetValue(runs) is { } folder ? new RunStore(folder) : RunStore.Default;
            var options = training.Build(r, r.GetValue(workers));
            if (r.GetValue(resume) is { } name)
            {
                var run = store.Open(name);
                // The run continues on the data it was trained on, unless told otherwise.
                string? root = r.GetValue(data) ?? run.ReadDataset()?.Root;
                return Train(runner => runner.Resume(run, CommandGuard.Cancellation), new PhaseRunner(store, OpenData(root), options));
            }
            if (r.GetValue(phase) is not { } phaseText)
                throw new ArgumentException("Give the phase to train (--phase 5) or the run to continue (--resume runs/NAME).");
            var config = PhaseCatalog.Get(PhaseCatalog.Parse(phaseText), r.GetValue(scale)!);
            if (r.GetValue(epochs) is { } e) config = config with { Epochs = e, Schedule = config.Schedule with { TotalEpochs = e } };
            var selection = r.GetValue(selectOnTest) ? ModelSelection.TestLeak
                : r.GetValue(selectOn) is { } text ? ParseSelection(text) : config.Selection;
            config = config with
            {
                Selection = selection,
                SelectionEstimator = r.GetValue(estimator) is { } chosen ? LabelFreeEstimators.ByName(chosen).Name : null,
                RecordTest = config.RecordTest || r.GetValue(recordTest),
            };
            if (selection == ModelSelection.TestLeak)
            {
                AnsiConsole.MarkupLine(
                    "[yellow]Model selection on the TEST split (the original's behaviour): the resulting test scores are optimistic.[/]");
            }
            bool forced = r.GetValue(force);
            return Train(runner => runner.Ensure(config, forced, CommandGuard.Cancellation), new PhaseRunner(store, OpenData(r.GetValue(data)), options));
        }));
        return command;
    }

    private static ModelSelection ParseSelection(string text) => text.Trim().ToLowerInvariant() switch
    {
        "validation" or "val" => ModelSelection.Validation,
        "target-estimate" => ModelSelection.TargetEstimate,
        "test" => ModelSelection.TestLeak,
        _ => throw new ArgumentException($"--select-on: '{text}' is not validation, target-estimate or test."),
    };

    private static FalconDataset OpenData(string? folder) => FalconDataset.Open(folder ?? EmbeddedData.Ensure());

    private static int Train(Func<PhaseRunner, PhaseRun> train, PhaseRunner runnerWithoutObserver)
    {
        PhaseRun result = null!;
        AnsiConsole.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(),
                new RemainingTimeColumn())
            .Start(ctx =>
            {
                result = train(runnerWithoutObserver.WithObserver(new ProgressObserver(ctx)));
            });
        var status = result.Directory.ReadStatus()!;
        string how = result.Outcome switch
        {
            RunOutcome.Reused => "already trained (reused; --force retrains)",
            RunOutcome.Resumed => "resumed and finished",
            RunOutcome.Reselected => "made from the kept epochs of the same training, without training",
            _ => "trained",
        };
        AnsiConsole.MarkupLineInterpolated(
            $"{result.Config.Name}: {how}. Best epoch {status.BestEpoch}, val mIoU {status.BestValMeanIoU:F4} (selected on {
                status.ModelSelection}). Encoder from {result.Config.EncoderOrigin}. Run: [bold]{result.Directory.Path}[/]");
        return CommandGuard.Ok;
    }

    /// <summary>One progress bar per epoch (step, loss, throughput, ETA) and a summary line when it ends.</summary>
    private sealed class ProgressObserver(ProgressContext ctx) : ITrainingObserver
    {
        private ProgressTask? _epoch;
        private ProgressTask? _run;
        private int _currentEpoch = -1;

        public void RunStarted(RunDirectory run, RunConfig config, int startEpoch, int stepsPerEpoch)
        {
            AnsiConsole.MarkupLineInterpolated(
                $"[bold]{config.Name}[/]: {config.Description} ({config.Model.Encoder}, {config.Height}x{config.Width}, batch {
                    config.BatchSize}; encoder from {config.EncoderOrigin}) -> {run.Path}");
            if (startEpoch > 0 && run.ResumeNote() is { } note) AnsiConsole.MarkupLineInterpolated($"[yellow]{config.Name}: {note}.[/]");
            _run = ctx.AddTask($"{config.Name}: epochs", maxValue: config.Epochs);
            _run.Value = startEpoch;
            _epoch = ctx.AddTask("epoch", maxValue: stepsPerEpoch);
            _currentEpoch = -1;
        }

        public void RunReselected(RunDirectory run, RunConfig config, RunDirectory source) =>
            AnsiConsole.WriteLine(EpochLineObserver.ReselectedLine(run, config, source));

        public void WaitingForRun(RunDirectory run, string message) => AnsiConsole.MarkupLineInterpolated($"[yellow]{message}.[/]");

        public void StepCompleted(TrainingProgress p)
        {
            if (_epoch is null) return;
            if (p.Epoch != _currentEpoch) { _currentEpoch = p.Epoch; _epoch.Value = 0; }
            _epoch.Value = p.Step;
            _epoch.Description = $"epoch {p.Epoch} step {p.Step}/{p.StepsPerEpoch} loss {p.Loss:F3} {p.ImagesPerSecond:F1} img/s";
        }

        public void EpochCompleted(EpochRecord record)
        {
            _run?.Increment(1);
            AnsiConsole.WriteLine(EpochLineObserver.EpochLine(record));
        }
    }
}
