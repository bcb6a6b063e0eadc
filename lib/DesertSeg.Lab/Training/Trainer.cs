using System.Diagnostics;
using DesertSeg.Lab.Adaptation;
using DesertSeg.Lab.Adaptation.Objectives;
using DesertSeg.Lab.Checkpoints;
using DesertSeg.Lab.Data;
using DesertSeg.Lab.Data.Augmentation;
using DesertSeg.Lab.Data.Loading;
using DesertSeg.Lab.Evaluation;
using DesertSeg.Lab.IO;
using DesertSeg.Lab.Losses;
using DesertSeg.Lab.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace DesertSeg.Lab.Training;

/// <summary>
/// Trains one <see cref="RunConfig"/> into a <see cref="RunDirectory"/>, as the original did. The concerns
/// live apart: <see cref="SegmentationOptimizer"/> (three AdamW groups, per-epoch LR factors, the frozen
/// encoder, clipping), <see cref="TrainingEpoch"/> (the steps of one epoch), <see cref="ModelSelector"/>
/// (best epoch and early stop), <see cref="RunDirectory"/> (atomic state, history and status) and
/// <see cref="TensorBoardLog"/>. This class starts or resumes the run and runs the epochs.
/// A run folder that was interrupted continues from its last finished epoch with the same schedule,
/// optimizer state and random streams, and writes the same history as an uninterrupted run.
/// </summary>
public sealed class Trainer
{
    private readonly RunConfig _config;
    private readonly FalconDataset _data;
    private readonly RunDirectory _run;
    private readonly TrainingOptions _options;
    private readonly ITrainingObserver _observer;

    public Trainer(RunConfig config, FalconDataset data, RunDirectory run, TrainingOptions? options = null,
        ITrainingObserver? observer = null)
    {
        config.Validate();
        // Every run says what its encoder started from (PhaseRunner names the weights before training).
        if (config.EncoderWeights is null && !config.FromScratch && config.InitFromPhase is null)
            throw new ArgumentException($"{config.Name}: the run names no encoder weights. " +
                "Give ImageNet weights, or set FromScratch to train the encoder from random weights on purpose.");
        _config = config;
        _data = data;
        _run = run;
        _options = options ?? new TrainingOptions();
        _observer = observer ?? new NullObserver();
    }

    private sealed class NullObserver : ITrainingObserver;

    /// <summary>Trains to the end (or to <see cref="TrainingOptions.StopAfterEpochs"/>) and returns the run's status.</summary>
    public RunStatus Train(CancellationToken cancellation = default)
    {
        // What the previous training of this process freed goes back to the system once, here; within a run the freed
        // tensor memory stays for reuse (trimming after every epoch made each epoch fault its working set in again:
        // see NativeMemory).
        IO.NativeMemory.ReturnFreedMemoryToSystem();
        // Before the loader starts: its threads take LibTorch's thread count when they first use it (FDA's restyling).
        using var threads = Devices.LibTorchThreads.Use(_options.Threads);
        var device = _options.ResolveDevice();
        var scheme = ClassScheme.ByName(_config.ClassScheme);
        var trainSplit = TrainSplit().RequireComplete().Subset(_config.TrainImages);
        var target = TargetImagesOf();
        var pipeline = new AugmentationPipeline(AugmentationPreset.ByName(_config.Augmentation), _config.Height, _config.Width)
        {
            Styler = _config.Style is { } style ? new TargetStyler(style, target!) : null,
        };
        var trainDataset = new SegmentationDataset(trainSplit, scheme, pipeline);
        var rcs = _config.RareClassSampling is { } sampling
            ? RareClassSampling.Build(trainSplit, scheme, sampling.Temperature, sampling.MinPixels)
            : null;
        var trainLoader = new SegmentationLoader(trainDataset,
            LoaderOptions.Training(_config.BatchSize, _config.Seed) with { Workers = _options.Workers })
        {
            Sampler = rcs is null ? null : epoch => rcs.Order(_config.Seed, epoch, trainDataset.Count),
        };
        if (trainLoader.BatchesPerEpoch == 0)
            throw new ArgumentException($"Split 'train' has {trainSplit.Count} images, fewer than one batch of {_config.BatchSize}.");
        var scoring = Scoring(scheme, target);
        var selector = scoring.Selector;

        // Same seed, same initial weights (the decoder and head keep PyTorch's default initialisation).
        random.manual_seed(_config.Seed);
        using var model = DeepLabV3Plus.Create(_config.Model);
        using var loss = new SegmentationLoss(_config.Loss, scheme.ClassNames);
        var (startEpoch, history) = StartOrResume(model);
        model.to(device);
        loss.to(device);
        if (history.Count > 0 && selector.Stops(history))
        {
            // The last epoch was saved (without what only resuming needs) but the process ended before saying so.
            var ended = Status(RunState.Finished, history, selector, null);
            _run.WriteStatus(ended);
            _run.ReleaseResumeState();
            return ended;
        }
        using var optimizer = new SegmentationOptimizer(model, _config.Optimizer, _config.Schedule);
        if (startEpoch > 0) optimizer.Load(_run.StateOptimizerFile(startEpoch - 1));
        // The target objective starts from the initial student (a teacher is its copy) or from the saved state.
        using var objectives = TargetObjectives.Create(_config.Objectives, model);
        using var generalisation = Generalisation.GeneralisationIngredients.Create(_config.Generalisation, model);
        if (startEpoch > 0) objectives?.Load(_run.StateFolderOf(startEpoch - 1));

        var tensorboard = new TensorBoardLog(_run.TensorBoardFolder, scheme);
        var epochs = new TrainingEpoch(_config, model, loss, optimizer, trainLoader, device, _run, _observer)
        {
            Target = target,
            Objectives = objectives,
            Generalisation = generalisation,
        };
        _observer.RunStarted(_run, _config, startEpoch, trainLoader.BatchesPerEpoch);

        var status = Status(RunState.Running, history, selector, null);
        try
        {
            for (int epoch = startEpoch; epoch < _config.Epochs; epoch++)
            {
                if (_options.StopAfterEpochs is { } stop && epoch >= stop) return status;
                cancellation.ThrowIfCancellationRequested();
                // Dropout draws from torch's generator: seeding it per epoch makes a resumed epoch identical.
                random.manual_seed(SampleRandom.TorchSeed(_config.Seed, epoch));
                bool frozen = optimizer.BeginEpoch(epoch);

                var clock = Stopwatch.StartNew();
                EpochLosses train;
                try
                {
                    train = epochs.Run(epoch, cancellation);
                }
                catch (TrainingDivergedException e)
                {
                    _run.WriteStatus(Status(RunState.Failed, history, selector, e.Message));
                    throw;
                }
                var (val, testMiou, estimate, best) = scoring.Score(model, loss, epoch, history, device, cancellation);
                var (encoderLr, decoderLr, headLr) = optimizer.LearningRates;
                var record = new EpochRecord(epoch, train.Loss, train.CrossEntropy, train.Dice, val.MeanLoss ?? double.NaN,
                    val.Metrics.MeanIoU, val.Metrics.PixelAccuracy, val.Metrics.IoU, testMiou,
                    encoderLr, decoderLr, headLr, frozen, best, clock.Elapsed.TotalSeconds, train.Images / clock.Elapsed.TotalSeconds,
                    estimate);
                history.Add(record);
                bool finished = selector.Stops(history);

                // A finished run is never resumed: its last epoch's optimizer moments (twice the model) and teacher would be
                // written only to be deleted.
                _run.SaveEpochState(model, finished ? null : optimizer, epoch, best,
                    finished || objectives is null ? null : objectives.Save, keepEarlierModels: _options.KeepEpochModels);
                _run.WriteHistory(history);
                status = Status(finished ? RunState.Finished : RunState.Running, history, selector, null);
                _run.WriteStatus(status);
                if (finished) _run.ReleaseResumeState();
                tensorboard.Write(record);
                _observer.EpochCompleted(record);
                if (finished) break;
            }
        }
        catch (OperationCanceledException)
        {
            // Stopped on purpose: the last complete epoch's state is on disk, and the next Train resumes from it.
            _run.WriteStatus(Status(RunState.Interrupted, history, selector,
                $"interrupted after {history.Count} complete epoch(s) of {_config.Epochs}; training it again resumes"));
            throw;
        }
        return status;
    }

    /// <summary>
    /// Makes this run without training it, from <paramref name="source"/>: a finished run of the same training
    /// (<see cref="RunConfig.WithValidationSelection"/> equal) that kept every epoch's model
    /// (<see cref="TrainingOptions.KeepEpochModels"/>). Each kept epoch is loaded and scored as <see cref="Train"/> scores it
    /// (<see cref="EpochScoring"/>) and this run's selection chooses; the training columns of the history are the source's,
    /// each epoch's seconds the source's plus this scoring's. The history and best checkpoint equal those of training the
    /// run (a test proves it); the checkpoints are second names of the source's kept models.
    /// </summary>
    /// <exception cref="DataFormatException">A kept model does not score on validation what the source recorded for its epoch
    /// (the file was changed): the run is not made from it.</exception>
    public RunStatus Reselect(RunDirectory source, CancellationToken cancellation = default)
    {
        IO.NativeMemory.ReturnFreedMemoryToSystem();
        var device = _options.ResolveDevice();
        var scheme = ClassScheme.ByName(_config.ClassScheme);
        var scoring = Scoring(scheme, TargetImagesOf());
        var trained = source.ReadHistory();
        using var model = DeepLabV3Plus.Create(_config.Model);
        using var loss = new SegmentationLoss(_config.Loss, scheme.ClassNames);
        model.to(device);
        loss.to(device);
        _run.Initialise(_config, DatasetInfoOf(_data));
        var tensorboard = new TensorBoardLog(_run.TensorBoardFolder, scheme);
        _observer.RunReselected(_run, _config, source);

        var history = new List<EpochRecord>();
        foreach (var epoch in trained)
        {
            cancellation.ThrowIfCancellationRequested();
            var clock = Stopwatch.StartNew();
            string kept = source.StateModelFile(epoch.Epoch);
            model.LoadSmpCheckpoint(kept);
            var (val, testMiou, estimate, best) = scoring.Score(model, loss, epoch.Epoch, history, device, cancellation);
            // The kept model must be the one that was scored: its val loss again (another CPU's kernels round differently, in
            // the sixth digit; another model differs in the first few), and its mIoU (that CPU may flip a few pixels' classes).
            double valLoss = val.MeanLoss ?? double.NaN;
            if (Math.Abs(valLoss - epoch.ValLoss) > 1e-4 * Math.Max(1, Math.Abs(epoch.ValLoss))
                || Math.Abs(val.Metrics.MeanIoU - epoch.ValMeanIoU) > 1e-3)
                throw new DataFormatException(kept, $"scores val loss {valLoss:F6} and mIoU {val.Metrics.MeanIoU:F4}, but " +
                    $"{source.Name} recorded {epoch.ValLoss:F6} and {epoch.ValMeanIoU:F4} for epoch {epoch.Epoch}: it is not that " +
                    $"epoch's model, and {_config.Name} is not made from it.");
            double seconds = epoch.Seconds + clock.Elapsed.TotalSeconds;
            var record = epoch with
            {
                TestMeanIoU = testMiou, TargetEstimate = estimate, Best = best, Seconds = seconds,
                ImagesPerSecond = epoch.ImagesPerSecond * epoch.Seconds / seconds,
            };
            history.Add(record);
            if (best) FileLinks.LinkOrCopy(kept, _run.BestCheckpoint);
            FileLinks.LinkOrCopy(kept, _run.LastCheckpoint);
            _run.WriteHistory(history);
            tensorboard.Write(record);
            _observer.EpochCompleted(record);
            if (scoring.Selector.Stops(history)) break;
        }
        // Finished only once every epoch it needs is scored: an interrupted re-selection is made again from the start.
        if (history.Count == 0 || !scoring.Selector.Stops(history))
            throw new DataFormatException(source.Path, $"holds {trained.Count} trained epoch(s), fewer than {_config.Name} selects from.");
        var status = Status(RunState.Finished, history, scoring.Selector, null);
        _run.WriteStatus(status);
        return status;
    }

    /// <summary>A new run folder with initial weights, or the interrupted run's last state: the epoch to start from and the history
    /// so far.</summary>
    private (int StartEpoch, List<EpochRecord> History) StartOrResume(DeepLabV3Plus model)
    {
        if (_run.Exists && _run.LatestStateEpoch() is { } done)
        {
            // Continue: weights and BatchNorm statistics, optimizer moments (loaded by the caller), history up to that epoch.
            model.LoadSmpCheckpoint(_run.StateModelFile(done));
            return (done + 1, _run.ReadHistory().Where(r => r.Epoch <= done).ToList());
        }
        InitialiseWeights(model);
        _run.Initialise(_config, DatasetInfoOf(_data));
        return (0, []);
    }

    /// <summary>The encoder from ImageNet weights, then (Phases 4/5) everything but the head from the parent checkpoint;
    /// each file must be the one the configuration names.</summary>
    private void InitialiseWeights(DeepLabV3Plus model)
    {
        if (_config.EncoderWeights is { } imagenet && _config.InitFromPhase is null)
        {
            string file = _options.EncoderWeightsFile
                ?? throw new ArgumentException(
                    $"{_config.Name} starts from ImageNet weights {imagenet}; pass the file as TrainingOptions.EncoderWeightsFile.");
            imagenet.Verify(file);
            model.LoadEncoderFromTorchvision(file);
        }
        if (_config.InitFromPhase is { } phase)
        {
            string init = _options.InitCheckpoint
                ?? throw new ArgumentException($"{_config.Name} starts from Phase {phase}'s checkpoint; " +
                    $"pass it as TrainingOptions.InitCheckpoint (the train command finds or trains Phase {phase} first).");
            _config.InitCheckpoint?.Verify(init);
            model.TransferFrom(init);
        }
    }

    /// <summary>The labelled images the run learns from: the source training split, or (the oracle) the labelled target scenes.</summary>
    private DataSplit TrainSplit()
    {
        if (_config.TrainOn == TrainingData.Source) return _data[FalconLayout.Train];
        string folder = TargetLayout.OracleFolder(_data.Root);
        if (!Directory.Exists(folder))
            throw new DataFormatException(folder, $"{_config.Name} trains the oracle on labelled target-domain scenes, " +
                "and this data set has none " +
                "(the embedded synthetic data set has them; a real data set would need its own labelled target scenes there).");
        return FalconDataset.Open(folder).Splits[0];
    }

    /// <summary>
    /// The labelled images the run selects its epoch on: the source val split, or (the oracle) labelled target-domain
    /// scenes apart from its training and test scenes, so the oracle is selected on its own domain.
    /// </summary>
    private DataSplit ValSplit()
    {
        if (_config.TrainOn == TrainingData.Source) return _data[FalconLayout.Val];
        string folder = TargetLayout.OracleValFolder(_data.Root);
        string images = Path.Combine(folder, FalconLayout.Images);
        if (!Directory.Exists(images) || !Directory.EnumerateFiles(images).Any())
            throw new DataFormatException(folder, $"{_config.Name} selects the oracle's epoch on labelled target-domain scenes " +
                "apart from its training scenes, and this data set has none there (the embedded synthetic data set has them; " +
                "synth --oracle-val N makes them).");
        return FalconDataset.Open(folder).Splits[0];
    }

    /// <summary>The unlabelled target images of a domain-adaptation run (checked against the ones it was configured with),
    /// else null.</summary>
    private TargetImages? TargetImagesOf()
    {
        if (!_config.UsesTarget) return null;
        var target = TargetDomain.Open(_data, _options.TargetFolder, _config.Target?.Transductive ?? _options.Transductive);
        if (_config.Target is { } expected && expected.Fingerprint != target.Fingerprint)
            throw new DataFormatException(target.Folder,
                $"holds other target images (hash {target.Fingerprint}) than {_config.Name} was configured with ({expected}).");
        return target;
    }

    /// <summary>The run's after-epoch scoring: validation, test when it records or selects on it, the target estimate.</summary>
    private EpochScoring Scoring(ClassScheme scheme, TargetImages? target) => new(
        EvaluationLoader(ValSplit().RequireComplete().Subset(_config.ValImages), scheme),
        _config.Selection == ModelSelection.TestLeak || _config.RecordTest
            ? EvaluationLoader(_data[FalconLayout.Test].RequireComplete(), scheme)
            : null,
        _config.Selection == ModelSelection.TargetEstimate
            ? new TargetEstimateSelection(target!, _config.SelectionEstimator, _config.Height, _config.Width, _config.BatchSize)
            : null,
        new ModelSelector(_config));

    /// <summary>What a run folder records of the data it was made from.</summary>
    private static DatasetInfo DatasetInfoOf(FalconDataset data) =>
        new(data.Root, DatasetFingerprint.Of(data), data.Splits.ToDictionary(s => s.Name, s => s.Count));

    private SegmentationLoader EvaluationLoader(DataSplit split, ClassScheme scheme) =>
        new(new SegmentationDataset(split, scheme, AugmentationPipeline.Evaluation(_config.Height, _config.Width)),
            LoaderOptions.Evaluation(_config.BatchSize) with { Workers = _options.Workers });

    private RunStatus Status(RunState state, IReadOnlyList<EpochRecord> history, ModelSelector selector, string? message)
    {
        var best = history.LastOrDefault(h => h.Best);
        return new RunStatus(state, history.Count, _config.Epochs, best?.Epoch, best?.ValMeanIoU, selector.Label,
            message, DateTimeOffset.UtcNow);
    }
}
