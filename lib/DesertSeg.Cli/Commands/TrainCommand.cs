using System.CommandLine;
using DesertSeg.Lab.Data;
using DesertSeg.Lab.Estimation;
using DesertSeg.Lab.Data.Synthetic;
using DesertSeg.Lab.Devices;
using DesertSeg.Lab.IO;
using DesertSeg.Lab.Plans;
using DesertSeg.Lab.Studies;
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
                          $"or a domain-adaptation run: {string.Join(", ", PhaseCatalog.AdaptationRuns)}; " +
                          $"or a domain-generalisation run: {string.Join(", ", PhaseCatalog.GeneralisationRuns)}."
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
        var seed = new Option<int>("--seed")
        {
            Description = $"Training seed (weights, data order, augmentation; default {PhaseCatalog.DefaultSeed}). Another seed is " +
                "another run; on K environments it also draws other randomised deserts.",
            DefaultValueFactory = _ => PhaseCatalog.DefaultSeed,
        };
        var environments = new Option<int>("--environments")
        {
            Description = "Train on the synthetic data set's sibling with scenes from K training deserts (generated beside it on " +
                "first use; same number of images). Default 1: the data set itself.",
            DefaultValueFactory = _ => 1,
        };
        var heldOut = new Option<string?>("--held-out")
        {
            Description = "With --environments K: what the randomised deserts never show: test-rock-style, test-palette, " +
                "both (test-rock-style+test-palette) or none (default).",
        };
        var threads = new Option<int?>("--threads")
        {
            Description = "LibTorch threads for this process (default: every core). The plan's executor gives each slot its share.",
        };
        var score = new Option<string?>("--score")
        {
            Description = "Also score the finished run on these splits (e.g. test, or val,test) into its folder's score cache, " +
                "where reproduce and the notebooks read it.",
        };
        var training = new TrainingArguments();
        var command = new Command("train",
            "Train a phase of the report (e.g. train --phase 5 --scale quick). Finished runs are reused; interrupted ones resume.")
        {
            phase, scale, data, resume, force, selectOn, selectOnTest, estimator, recordTest, epochs, workers, runs, seed, environments,
            heldOut, threads, score,
        };
        foreach (var option in training.All) command.Options.Add(option);
        command.SetAction(r => CommandGuard.Run(() =>
        {
            var store = r.GetValue(runs) is { } folder ? new RunStore(folder) : RunStore.Default;
            using var libTorchThreads = LibTorchThreads.Use(r.GetValue(threads));
            var options = training.Build(r, r.GetValue(workers)) with { Threads = r.GetValue(threads) };
            if (r.GetValue(resume) is { } name)
            {
                var run = store.Open(name);
                // The run continues on the data it was trained on, unless told otherwise.
                string? root = r.GetValue(data) ?? run.ReadDataset()?.Root;
                return Train(runner => runner.Resume(run, CommandGuard.Cancellation), new PhaseRunner(store, OpenData(root), options));
            }
            if (r.GetValue(phase) is not { } phaseText)
                throw new ArgumentException("Give the phase to train (--phase 5) or the run to continue (--resume runs/NAME).");
            var planned = new PlannedRun(PhaseCatalog.Parse(phaseText), r.GetValue(environments),
                r.GetValue(heldOut) is { } factors ? PlannedRun.ParseHeldOut(factors) : HeldOutFactors.None, r.GetValue(seed));
            if (planned.Environments < 1) throw new ArgumentException($"--environments must be 1 or more, got {planned.Environments}.");
            if (planned.Environments == 1 && planned.HeldOut != HeldOutFactors.None)
                throw new ArgumentException("--held-out names what K training deserts leave out: it needs --environments K (K > 1).");
            var config = planned.Config(r.GetValue(scale)!);
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
            // The study opens (and on K environments generates) the data set the run trains on, and scores it afterwards.
            using var study = new Study(OpenData(r.GetValue(data)), config.Scale, store, options, seed: planned.Seed);
            using var lab = new AdaptationStudy(study);
            var owner = planned.Environments == 1 ? study : lab.EnvironmentStudy(planned.Environments, planned.HeldOut);
            var runner = new PhaseRunner(store, owner.Data, options);
            bool forced = r.GetValue(force);
            PhaseRun? trained = null;
            int exit = Train(observed => trained = RecordingFailure(runner, config,
                () => observed.Ensure(config, forced, CommandGuard.Cancellation)), runner);
            if (r.GetValue(score) is { } splits)
            {
                foreach (string split in splits.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                {
                    _ = owner.Data[split]; // a split the data set lacks: its error names the folder and the splits it has
                    // The key Study.Score reads: the best checkpoint, native resolution, in the run folder's cache.
                    var runFolder = trained!.Directory;
                    var result = owner.ScoreCheckpoints([runFolder.BestCheckpoint], runFolder.Path, split);
                    Console.WriteLine($"{config.Name}: {split} mIoU {result.Metrics.MeanIoU:F4} (cached in {runFolder.Path})");
                }
            }
            return exit;
        }));
        return command;
    }

    /// <summary>
    /// Trains; when a cluster job runs this (its script sets DESERTSEG_JOB_LOG) and the training fails, the run's folder gets
    /// <see cref="RunStates.FailureFile"/> with the reason and the job's log, so that the folder says where to look; a later
    /// success removes it.
    /// </summary>
    private static PhaseRun RecordingFailure(PhaseRunner runner, RunConfig config, Func<PhaseRun> train)
    {
        string? jobLog = Environment.GetEnvironmentVariable("DESERTSEG_JOB_LOG");
        try
        {
            var run = train();
            File.Delete(Path.Combine(run.Directory.Path, RunStates.FailureFile));
            return run;
        }
        catch (Exception e) when (jobLog is { Length: > 0 } && e is not OperationCanceledException && runner.Locate(config) is { } folder)
        {
            Directory.CreateDirectory(folder.Path);
            Lab.IO.AtomicFile.WriteAllText(Path.Combine(folder.Path, RunStates.FailureFile),
                $"{NativeLibraryException.Reason(e)}\nlog: {jobLog}\n");
            throw;
        }
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
        // Redirected (a child of the plan's executor, a cluster job's log): one line per epoch instead of progress bars.
        if (Console.IsOutputRedirected) result = train(runnerWithoutObserver.WithObserver(new EpochLineObserver(Console.Out)));
        else
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
