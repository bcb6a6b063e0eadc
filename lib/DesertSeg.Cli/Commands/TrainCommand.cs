using System.CommandLine;
using DesertSeg.Lab.Data;
using DesertSeg.Lab.Training;
using Spectre.Console;

namespace DesertSeg.Cli.Commands;

/// <summary><c>desertseg train</c>: trains a report phase at a scale, reusing or resuming earlier runs.</summary>
public static class TrainCommand
{
    public static Command Create()
    {
        var phase = new Option<string>("--phase") { Description = "Report phase: 2, 3, 4 or 5.", Required = true };
        var scale = new Option<string>("--scale") { Description = "full (report settings, for CUDA), quick (2 CPU cores) or smoke (a minute).", DefaultValueFactory = _ => "quick" };
        var data = new Option<string?>("--data") { Description = "Data set folder (Falcon layout). Default: the embedded synthetic data set." };
        var resume = new Option<string?>("--resume") { Description = "Continue an interrupted run (its folder, or its name under runs/)." };
        var force = new Option<bool>("--force") { Description = "Train again even if a finished run of this configuration exists." };
        var encoderWeights = new Option<string?>("--encoder-weights") { Description = "torchvision ResNet ImageNet checkpoint (.pth or .safetensors) to initialise the encoder." };
        var selectOnTest = new Option<bool>("--select-on-test") { Description = "Reproduce the original's model selection on the TEST split (leaks test data; for comparison only)." };
        var epochs = new Option<int?>("--epochs") { Description = "Override the phase's number of epochs (the schedule is rebuilt for it)." };
        var workers = new Option<int?>("--workers") { Description = "Data loader threads (default: all cores)." };
        var runs = new Option<string?>("--runs") { Description = "Runs folder (default: runs/ in the workspace, or DESERTSEG_RUNS)." };
        var command = new Command("train", "Train a phase of the report (e.g. train --phase 5 --scale quick). Finished runs are reused; interrupted ones resume.")
        {
            phase, scale, data, resume, force, encoderWeights, selectOnTest, epochs, workers, runs,
        };
        command.SetAction(r => CommandGuard.Run(() =>
        {
            var store = r.GetValue(runs) is { } folder ? new RunStore(folder) : RunStore.Default;
            RunConfig config;
            if (r.GetValue(resume) is { } name)
            {
                config = store.Open(name).ReadConfig();
            }
            else
            {
                config = PhaseCatalog.Get(r.GetValue(phase)!, r.GetValue(scale)!);
                if (r.GetValue(epochs) is { } e) config = config with { Epochs = e, Schedule = config.Schedule with { TotalEpochs = e } };
                config = config with
                {
                    EncoderWeights = r.GetValue(encoderWeights) is { } w ? Path.GetFullPath(w) : null,
                    Selection = r.GetValue(selectOnTest) ? ModelSelection.TestLeak : ModelSelection.Validation,
                };
            }
            var dataset = FalconDataset.Open(r.GetValue(data) ?? EmbeddedData.Ensure());
            var options = new TrainingOptions(Workers: r.GetValue(workers));
            if (config.Selection == ModelSelection.TestLeak)
                AnsiConsole.MarkupLine("[yellow]Model selection on the TEST split (the original's behaviour): the resulting test scores are optimistic.[/]");
            return Train(store, dataset, config, options, r.GetValue(force));
        }));
        return command;
    }

    private static int Train(RunStore store, FalconDataset dataset, RunConfig config, TrainingOptions options, bool force)
    {
        PhaseRun result = null!;
        AnsiConsole.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
            .Start(ctx =>
            {
                var observer = new ProgressObserver(ctx);
                result = new PhaseRunner(store, dataset, options, observer).Ensure(config, force);
            });
        var status = result.Directory.ReadStatus()!;
        string how = result.Outcome switch
        {
            RunOutcome.Reused => "already trained (reused; --force retrains)",
            RunOutcome.Resumed => "resumed and finished",
            _ => "trained",
        };
        AnsiConsole.MarkupLineInterpolated(
            $"{result.Config.Name}: {how}. Best epoch {status.BestEpoch}, val mIoU {status.BestValMeanIoU:F4} (selected on {status.ModelSelection}). Run: [bold]{result.Directory.Path}[/]");
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
            AnsiConsole.MarkupLineInterpolated($"[bold]{config.Name}[/]: {config.Description} ({config.Model.Encoder}, {config.Height}x{config.Width}, batch {config.BatchSize}) -> {run.Path}");
            _run = ctx.AddTask($"{config.Name}: epochs", maxValue: config.Epochs);
            _run.Value = startEpoch;
            _epoch = ctx.AddTask("epoch", maxValue: stepsPerEpoch);
            _currentEpoch = -1;
        }

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
