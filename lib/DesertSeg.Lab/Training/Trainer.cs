using System.Diagnostics;
using DesertSeg.Lab.Checkpoints;
using DesertSeg.Lab.Data;
using DesertSeg.Lab.Data.Augmentation;
using DesertSeg.Lab.Data.Loading;
using DesertSeg.Lab.Evaluation;
using DesertSeg.Lab.Losses;
using DesertSeg.Lab.Models;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace DesertSeg.Lab.Training;

/// <summary>
/// Trains one <see cref="RunConfig"/> into a <see cref="RunDirectory"/>, as the original did: AdamW with
/// three parameter groups, per-epoch LambdaLR factors, an encoder frozen for the first epochs (its
/// BatchNorm statistics still update), gradient clipping, 0.5 CE + 0.5 Dice. Model selection uses the
/// validation split unless the run opts into the original's test-set selection.
/// Every epoch ends with an atomic save of the resumable state, so <see cref="Train"/> on a run folder
/// that was interrupted continues from its last finished epoch with the same schedule, optimizer state
/// and random streams, and writes the same history as an uninterrupted run.
/// </summary>
public sealed class Trainer
{
    private readonly RunConfig _config;
    private readonly FalconDataset _data;
    private readonly RunDirectory _run;
    private readonly TrainingOptions _options;
    private readonly ITrainingObserver _observer;

    public Trainer(RunConfig config, FalconDataset data, RunDirectory run, TrainingOptions? options = null, ITrainingObserver? observer = null)
    {
        config.Validate();
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
        IO.NativeMemory.ReturnFreedMemoryToSystem();
        var device = _options.ResolveDevice();
        var scheme = ClassScheme.ByName(_config.ClassScheme);
        var trainSplit = _data[FalconLayout.Train].RequireComplete().Subset(_config.TrainImages);
        var valSplit = _data[FalconLayout.Val].RequireComplete().Subset(_config.ValImages);

        var trainLoader = new SegmentationLoader(
            new SegmentationDataset(trainSplit, scheme, new AugmentationPipeline(AugmentationPreset.ByName(_config.Augmentation), _config.Height, _config.Width)),
            LoaderOptions.Training(_config.BatchSize, _config.Seed) with { Workers = _options.Workers });
        var valLoader = EvaluationLoader(valSplit, scheme);
        var testLoader = _config.Selection == ModelSelection.TestLeak
            ? EvaluationLoader(_data[FalconLayout.Test].RequireComplete(), scheme) : null;
        if (trainLoader.BatchesPerEpoch == 0)
            throw new ArgumentException($"Split 'train' has {trainSplit.Count} images, fewer than one batch of {_config.BatchSize}.");

        // Same seed, same initial weights (the decoder and head keep PyTorch's default initialisation).
        random.manual_seed(_config.Seed);
        using var model = DeepLabV3Plus.Create(_config.Model);
        using var loss = new SegmentationLoss(_config.Loss, scheme.ClassNames);
        var history = new List<EpochRecord>();
        int startEpoch = 0;
        int? resumeFrom = _run.Exists ? _run.LatestStateEpoch() : null;

        if (resumeFrom is { } done)
        {
            // Continue: weights and BatchNorm statistics, optimizer moments, history up to that epoch.
            model.LoadSmpCheckpoint(_run.StateModelFile(done));
            history.AddRange(_run.ReadHistory().Where(r => r.Epoch <= done));
            startEpoch = done + 1;
        }
        else
        {
            _run.Initialise(_config, new DatasetInfo(_data.Root, DatasetFingerprint.Of(_data),
                _data.Splits.ToDictionary(s => s.Name, s => s.Count)));
            InitialiseWeights(model);
        }

        model.to(device);
        loss.to(device);
        using var optimizer = CreateOptimizer(model);
        if (resumeFrom is { } epochDone) optimizer.load_state_dict(_run.StateOptimizerFile(epochDone));

        var schedule = _config.Schedule;
        var groups = optimizer.ParamGroups.ToList();
        double[] baseLr = [_config.Optimizer.EncoderLr, _config.Optimizer.DecoderLr, _config.Optimizer.HeadLr];
        // TorchSharp 0.107's SummaryWriter is not IDisposable; it writes every event to its file as it is added.
        var tensorboard = torch.utils.tensorboard.SummaryWriter(_run.TensorBoardFolder, createRunName: false);
        _observer.RunStarted(_run, _config, startEpoch, trainLoader.BatchesPerEpoch);

        int checksWithoutGain = 0;
        var status = Status(RunState.Running, history, null);
        for (int epoch = startEpoch; epoch < _config.Epochs; epoch++)
        {
            if (_options.StopAfterEpochs is { } stop && epoch >= stop) return status;
            cancellation.ThrowIfCancellationRequested();

            // Dropout draws from torch's generator: seeding it per epoch makes a resumed epoch identical.
            random.manual_seed(SampleRandom.TorchSeed(_config.Seed, epoch));
            double[] factors = [schedule.EncoderFactor(epoch), schedule.DecoderFactor(epoch), schedule.DecoderFactor(epoch)];
            for (int g = 0; g < 3; g++) groups[g].LearningRate = baseLr[g] * factors[g];
            bool frozen = schedule.EncoderFrozen(epoch);
            foreach (var p in model.Encoder.parameters()) p.requires_grad = !frozen;

            var clock = Stopwatch.StartNew();
            (double trainLoss, double trainCe, double trainDice, int images) epochResult;
            try
            {
                epochResult = TrainEpoch(model, loss, optimizer, trainLoader, device, epoch, cancellation);
            }
            catch (TrainingDivergedException e)
            {
                _run.WriteStatus(Status(RunState.Failed, history, e.Message));
                throw;
            }
            var (trainLoss, trainCe, trainDice, images) = epochResult;
            var val = ModelEvaluator.Evaluate(model, valLoader, device, loss, cancellation);
            var valMetrics = val.Metrics;

            double? testMiou = null;
            if (testLoader is not null && (epoch + 1) % _config.TestLeakEvery == 0)
                testMiou = ModelEvaluator.Evaluate(model, testLoader, device, cancellation: cancellation).Metrics.MeanIoU;

            double? selectionScore = _config.Selection == ModelSelection.TestLeak ? testMiou : valMetrics.MeanIoU;
            double? bestSoFar = _config.Selection == ModelSelection.TestLeak
                ? history.Where(h => h.TestMeanIoU is not null).Select(h => h.TestMeanIoU).Max()
                : history.Count > 0 ? history.Max(h => h.ValMeanIoU) : null;
            bool best = selectionScore is { } score && (bestSoFar is null || score > bestSoFar);
            if (testMiou is not null) checksWithoutGain = best ? 0 : checksWithoutGain + 1;

            var record = new EpochRecord(epoch, trainLoss, trainCe, trainDice, val.MeanLoss ?? double.NaN,
                valMetrics.MeanIoU, valMetrics.PixelAccuracy, valMetrics.IoU, testMiou,
                groups[0].LearningRate, groups[1].LearningRate, groups[2].LearningRate, frozen, best,
                clock.Elapsed.TotalSeconds, images / clock.Elapsed.TotalSeconds);
            history.Add(record);

            SaveEpoch(model, optimizer, epoch, best);
            _run.WriteHistory(history);
            bool lastEpoch = epoch == _config.Epochs - 1 || (testLoader is not null && checksWithoutGain >= _config.TestLeakPatience);
            status = Status(lastEpoch ? RunState.Finished : RunState.Running, history, null);
            _run.WriteStatus(status);
            Log(tensorboard, record, scheme);
            _observer.EpochCompleted(record);
            if (lastEpoch) break;
        }
        return status;
    }

    private SegmentationLoader EvaluationLoader(DataSplit split, ClassScheme scheme) =>
        new(new SegmentationDataset(split, scheme, AugmentationPipeline.Evaluation(_config.Height, _config.Width)),
            LoaderOptions.Evaluation(_config.BatchSize) with { Workers = _options.Workers });

    private void InitialiseWeights(DeepLabV3Plus model)
    {
        if (_config.EncoderWeights is { } imagenet) model.LoadEncoderFromTorchvision(imagenet);
        if (_options.InitCheckpoint is { } init) model.TransferFrom(init);
        else if (_config.InitFromPhase is { } phase)
            throw new ArgumentException($"{_config.Name} starts from Phase {phase}'s checkpoint; pass it as TrainingOptions.InitCheckpoint (the train command finds or trains Phase {phase} first).");
    }

    private OptimizerHelper CreateOptimizer(DeepLabV3Plus model)
    {
        var o = _config.Optimizer;
        // Order matters (the original's and the LR factors'): encoder, decoder, head.
        var groups = new[]
        {
            new AdamW.ParamGroup(model.Encoder.parameters(), lr: o.EncoderLr, beta1: 0.9, beta2: 0.999, eps: 1e-8, weight_decay: o.WeightDecay, amsgrad: false, maximize: false),
            new AdamW.ParamGroup(model.Decoder.parameters(), lr: o.DecoderLr, beta1: 0.9, beta2: 0.999, eps: 1e-8, weight_decay: o.WeightDecay, amsgrad: false, maximize: false),
            new AdamW.ParamGroup(model.SegmentationHead.parameters(), lr: o.HeadLr, beta1: 0.9, beta2: 0.999, eps: 1e-8, weight_decay: o.WeightDecay, amsgrad: false, maximize: false),
        };
        return optim.AdamW(groups, lr: o.DecoderLr, weight_decay: o.WeightDecay);
    }

    private (double Loss, double Ce, double Dice, int Images) TrainEpoch(DeepLabV3Plus model, SegmentationLoss loss,
        OptimizerHelper optimizer, SegmentationLoader loader, Device device, int epoch, CancellationToken cancellation)
    {
        model.train();
        double sum = 0, sumCe = 0, sumDice = 0;
        int steps = 0, images = 0;
        var clock = Stopwatch.StartNew();
        var trainable = model.parameters().ToList();
        foreach (var batch in loader.Epoch(epoch, cancellation))
        {
            using var scope = NewDisposeScope();
            var (x, y) = batch.ToTensors(device);
            var logits = model.forward(x);
            var terms = loss.Evaluate(logits, y);
            double value = terms.Total.item<float>();
            if (!double.IsFinite(value))
                throw new TrainingDivergedException(
                    $"{_run.Name}: the loss became {value} at epoch {epoch}, step {steps} (images {string.Join(", ", batch.Ids)}). " +
                    $"The run stopped; its last good state (epoch {epoch - 1}) is kept in {_run.Path}.");
            optimizer.zero_grad();
            terms.Total.backward();
            var withGrad = trainable.Where(p => p.requires_grad && p.grad is not null).ToList();
            if (withGrad.Count > 0) nn.utils.clip_grad_norm_(withGrad, _config.Optimizer.GradientClipNorm);
            optimizer.step();

            sum += value; sumCe += terms.CrossEntropy.item<float>(); sumDice += terms.Dice.item<float>();
            steps++; images += batch.Count;
            _observer.StepCompleted(new TrainingProgress(epoch, _config.Epochs, steps, loader.BatchesPerEpoch, value,
                images / clock.Elapsed.TotalSeconds, clock.Elapsed));
        }
        return (sum / steps, sumCe / steps, sumDice / steps, images);
    }

    private void SaveEpoch(DeepLabV3Plus model, OptimizerHelper optimizer, int epoch, bool best)
    {
        // The state becomes current only when CommitState names it; the user-facing checkpoints follow.
        string modelFile = _run.StateModelFile(epoch);
        model.ExportSafetensors(modelFile);
        string optimizerFile = _run.StateOptimizerFile(epoch);
        IO.AtomicFile.WriteThroughTempPath(optimizerFile, temp => optimizer.save_state_dict(temp));
        if (best) IO.AtomicFile.WriteThroughTempPath(_run.BestCheckpoint, temp => File.Copy(modelFile, temp, overwrite: true));
        IO.AtomicFile.WriteThroughTempPath(_run.LastCheckpoint, temp => File.Copy(modelFile, temp, overwrite: true));
        _run.CommitState(epoch);
    }

    private RunStatus Status(RunState state, IReadOnlyList<EpochRecord> history, string? message)
    {
        var best = history.LastOrDefault(h => h.Best);
        return new RunStatus(state, history.Count, _config.Epochs, best?.Epoch,
            best?.ValMeanIoU, _config.Selection == ModelSelection.TestLeak ? "test (leaks test data; original behaviour)" : "validation",
            message, DateTimeOffset.UtcNow);
    }

    private static void Log(SummaryWriter tb, EpochRecord r, ClassScheme scheme)
    {
        tb.add_scalar("loss/train", (float)r.TrainLoss, r.Epoch);
        tb.add_scalar("loss/val", (float)r.ValLoss, r.Epoch);
        tb.add_scalar("miou/val", (float)r.ValMeanIoU, r.Epoch);
        if (r.TestMeanIoU is { } t) tb.add_scalar("miou/test", (float)t, r.Epoch);
        tb.add_scalar("lr/encoder", (float)r.EncoderLr, r.Epoch);
        tb.add_scalar("lr/decoder", (float)r.DecoderLr, r.Epoch);
        tb.add_scalar("lr/head", (float)r.HeadLr, r.Epoch);
        for (int c = 0; c < r.ValClassIoU.Count; c++)
            if (r.ValClassIoU[c] is { } iou) tb.add_scalar($"iou_val/{scheme.Classes[c].Name}", (float)iou, r.Epoch);
    }
}
