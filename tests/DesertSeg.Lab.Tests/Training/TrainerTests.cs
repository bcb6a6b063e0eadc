using DesertSeg.Lab.Checkpoints;
using DesertSeg.Lab.Data;
using DesertSeg.Lab.Evaluation;
using DesertSeg.Lab.Inference;
using DesertSeg.Lab.IO;
using DesertSeg.Lab.Models;
using DesertSeg.Lab.Training;
using static TorchSharp.torch;

namespace DesertSeg.Lab.Tests.Training;

[Collection(TrainingCollection.Name)]
public class TrainerTests(TrainingFixture fixture)
{
    private static readonly TrainingOptions Cpu = new(Device: CPU, Workers: 2);

    [Trait(Tier.Category, Tier.Slow)]
    [Fact]
    public void TinyRunLearnsAndItsFolderHoldsEverything()
    {
        var config = TrainingFixture.Tiny(epochs: 5, trainImages: 16, valImages: 8);
        var run = new RunStore(fixture.NewRunsFolder()).For(config, DatasetFingerprint.Of(fixture.Data));

        var status = new Trainer(config, fixture.Data, run, Cpu).Train();

        var history = run.ReadHistory();
        Assert.Equal(RunState.Finished, status.State);
        Assert.Equal(5, history.Count);
        Assert.True(history[^1].TrainLoss < history[0].TrainLoss, $"train loss {history[0].TrainLoss} -> {history[^1].TrainLoss}");

        // Floor: better than the best constant prediction. Predicting class k everywhere scores IoU = share_k
        // for k and 0 for every other class present, so its mIoU is share_k / (classes present).
        var valMasks = fixture.Data[FalconLayout.Val].Subset(8).Pairs
            .SelectMany(p => ClassScheme.ByName(config.ClassScheme).Remap(MaskFiles.ReadRaw(p.MaskPath!).Values))
            .Where(v => v != 255).ToList();
        var shares = valMasks.GroupBy(v => v).Select(g => (double)g.Count() / valMasks.Count).ToList();
        double constantFloor = shares.Max() / shares.Count;
        double bestMiou = history.Max(h => h.ValMeanIoU);
        Assert.True(bestMiou > constantFloor, $"best val mIoU {bestMiou:F3} not above the constant-prediction floor {constantFloor:F3}");

        // The run folder holds config, data set fingerprint, history, status, checkpoints and TensorBoard events.
        Assert.Equal(config, run.ReadConfig());
        Assert.Equal(DatasetFingerprint.Of(fixture.Data), run.ReadDataset()!.Fingerprint);
        Assert.True(File.Exists(run.HistoryCsvFile));
        Assert.Equal(history.Single(h => h.Epoch == status.BestEpoch).ValMeanIoU, status.BestValMeanIoU);
        Assert.True(File.Exists(run.BestCheckpoint) && File.Exists(run.LastCheckpoint));
        // A finished run is reused, never resumed: its state keeps the last model (the bytes of last.safetensors) and
        // drops the optimizer's moments.
        int lastEpoch = history[^1].Epoch;
        Assert.Equal([run.StateModelFile(lastEpoch)], Directory.GetFiles(run.StateFolder, "*", SearchOption.AllDirectories)
            .Where(f => Path.GetFileName(f) != "latest.json"));
        Assert.Equal(File.ReadAllBytes(run.LastCheckpoint), File.ReadAllBytes(run.StateModelFile(lastEpoch)));
        Assert.NotEmpty(Directory.GetFiles(run.TensorBoardFolder, "*tfevents*", SearchOption.AllDirectories));
        // The process may end between saving the last epoch (its model only: nothing resumes a finished run) and saying that
        // the run finished: training it again then says so, without training and without the optimizer's moments.
        run.WriteStatus(status with { State = RunState.Running });
        var again = new Trainer(config, fixture.Data, run, Cpu).Train();
        Assert.Equal(RunState.Finished, again.State);
        Assert.Equal(history.Select(h => h.WithoutTimings()), run.ReadHistory().Select(h => h.WithoutTimings()), new HistoryComparer());
        Assert.All(history, h => Assert.Equal(config.Model.Classes, h.ValClassIoU.Count));
        Assert.All(history, h => Assert.True(h.EncoderLr >= 0 && h.DecoderLr > 0 && h.HeadLr > 0));

        // The best checkpoint loads strictly, and the scorer (input-size protocol, one image at a time) gives the
        // validation mIoU the trainer recorded for that epoch (batched during training).
        using var predictor = Predictor.Load(run.Path, device: CPU);
        Assert.Equal((config.Height, config.Width), (predictor.Height, predictor.Width));
        var rescored = SplitScorer.Score(predictor, fixture.Data[FalconLayout.Val].Subset(config.ValImages),
            new ScoringOptions(ScoringProtocol.InputSize));
        Assert.Equal(status.BestValMeanIoU!.Value, rescored.Metrics.MeanIoU, 4);

        // bfloat16 inference of the trained checkpoint scores within 0.01 mIoU of float32.
        using var bf16 = Predictor.Load(run.Path, device: CPU, precision: InferencePrecision.Bf16);
        var bf16Score = SplitScorer.Score(bf16, fixture.Data[FalconLayout.Val].Subset(config.ValImages),
            new ScoringOptions(ScoringProtocol.InputSize));
        Assert.True(Math.Abs(bf16Score.Metrics.MeanIoU - rescored.Metrics.MeanIoU) < 0.01,
            $"bf16 mIoU {bf16Score.Metrics.MeanIoU:F4} vs fp32 {rescored.Metrics.MeanIoU:F4}");
    }

    [Trait(Tier.Category, Tier.Slow)]
    [Fact]
    public void InterruptedRunResumesToTheSameHistory()
    {
        var config = TrainingFixture.Tiny(epochs: 3);
        var store = new RunStore(fixture.NewRunsFolder());
        string fingerprint = DatasetFingerprint.Of(fixture.Data);

        var whole = new RunDirectory(Path.Combine(store.Folder, "whole"));
        new Trainer(config, fixture.Data, whole, Cpu).Train();

        var interrupted = new RunDirectory(Path.Combine(store.Folder, "interrupted"));
        var stopped = new Trainer(config, fixture.Data, interrupted, Cpu with { StopAfterEpochs = 1 }).Train();
        Assert.Equal(RunState.Running, stopped.State);
        Assert.Single(interrupted.ReadHistory());
        Assert.True(File.Exists(interrupted.StateOptimizerFile(0)), "a run that is not finished keeps what it resumes from");
        var resumed = new Trainer(interrupted.ReadConfig(), fixture.Data, interrupted, Cpu).Train();

        Assert.Equal(RunState.Finished, resumed.State);
        Assert.Equal(whole.ReadHistory().Select(h => h.WithoutTimings()).ToList(),
                     interrupted.ReadHistory().Select(h => h.WithoutTimings()).ToList(),
                     new HistoryComparer());
        using var a = StateDict.Load(whole.LastCheckpoint);
        using var b = StateDict.Load(interrupted.LastCheckpoint);
        foreach (var (name, tensor) in a) Assert.True(Same(tensor, b[name]), $"{name} differs after resume");
    }

    /// <summary>Generalisation ingredients draw from torch's generator, seeded per epoch: a resumed run with every kind of them
    /// (input randomisation, RandConv's extra views, feature statistics) trains what an uninterrupted one trains.</summary>
    [Trait(Tier.Category, Tier.Slow)]
    [Fact]
    public void InterruptedRunWithGeneralisationIngredientsResumesToTheSameHistory()
    {
        var config = TrainingFixture.Tiny("5", epochs: 2) with
        {
            InitFromPhase = null,
            Generalisation = [new Lab.Generalisation.RandConv(), new Lab.Generalisation.AmplitudeMix(), new Lab.Generalisation.DistributionUncertainty()],
        };
        var store = new RunStore(fixture.NewRunsFolder());
        var whole = new RunDirectory(Path.Combine(store.Folder, "whole"));
        new Trainer(config, fixture.Data, whole, Cpu).Train();
        var interrupted = new RunDirectory(Path.Combine(store.Folder, "interrupted"));
        new Trainer(config, fixture.Data, interrupted, Cpu with { StopAfterEpochs = 1 }).Train();
        var resumed = new Trainer(interrupted.ReadConfig(), fixture.Data, interrupted, Cpu).Train();

        Assert.Equal(RunState.Finished, resumed.State);
        Assert.All(whole.ReadHistory(), h => Assert.True(double.IsFinite(h.TrainLoss)));
        Assert.Equal(whole.ReadHistory().Select(h => h.WithoutTimings()).ToList(),
                     interrupted.ReadHistory().Select(h => h.WithoutTimings()).ToList(),
                     new HistoryComparer());
    }

    /// <summary>The encoder starts from the built-in ImageNet weights, so its initial state is read from that file (not
    /// re-drawn from torch's global generator, which parallel tests share).</summary>
    [Fact]
    public void FrozenEncoderIsNotUpdatedButBatchNormStatisticsAre()
    {
        var tiny = TrainingFixture.Tiny(epochs: 3);
        string weights = Lab.Checkpoints.Pretrained.PretrainedEncoders.WeightsFile(tiny.Model.Encoder);
        var config = tiny with { FromScratch = false, EncoderWeights = Lab.Checkpoints.WeightsFile.Of(weights) };
        var run = new RunDirectory(Path.Combine(fixture.NewRunsFolder(), "frozen"));
        new Trainer(config, fixture.Data, run, Cpu with { StopAfterEpochs = 1, EncoderWeightsFile = weights }).Train();

        using var initial = DeepLabV3Plus.Create(config.Model);
        initial.LoadEncoderFromTorchvision(weights);
        using var afterEpoch0 = StateDict.Load(run.StateModelFile(0));
        var start = initial.state_dict();
        int frozenChecked = 0, statisticsMoved = 0;
        foreach (var (name, tensor) in afterEpoch0)
        {
            if (!name.StartsWith("encoder.")) continue;
            bool same = Same(tensor, start[name]);
            if (name.EndsWith(".weight") || name.EndsWith(".bias"))
            {
                Assert.True(same, $"{name} changed while frozen");
                frozenChecked++;
            }
            if (name.EndsWith("running_mean") && !same) statisticsMoved++;
        }
        Assert.True(frozenChecked > 50);
        Assert.True(statisticsMoved > 0, "BatchNorm running statistics should update while the encoder is frozen");
        Assert.Equal(0.0, run.ReadHistory()[0].EncoderLr);
    }

    [Trait(Tier.Category, Tier.Slow)]
    [Fact]
    public void DivergingLossStopsWithAClearMessageAndKeepsTheLastGoodState()
    {
        // Epoch 0 trains normally (encoder frozen); epoch 1 unfreezes the encoder at an absurd learning rate.
        var config = TrainingFixture.Tiny(epochs: 3) with { Optimizer = new OptimizerConfig(EncoderLr: 1e25) };
        var run = new RunDirectory(Path.Combine(fixture.NewRunsFolder(), "diverge"));

        var error = Assert.Throws<TrainingDivergedException>(() => new Trainer(config, fixture.Data, run, Cpu).Train());

        Assert.Contains("epoch 1", error.Message);
        Assert.Contains("last good state (epoch 0)", error.Message);
        Assert.Equal(RunState.Failed, run.ReadStatus()!.State);
        Assert.Equal(0, run.LatestStateEpoch());
        Assert.True(File.Exists(run.LastCheckpoint));
        Assert.Single(run.ReadHistory());
    }

    private static bool Same(Tensor a, Tensor b) => a.shape.SequenceEqual(b.shape) && a.eq(b).all().item<bool>();

    private sealed class HistoryComparer : IEqualityComparer<EpochRecord>
    {
        public bool Equals(EpochRecord? x, EpochRecord? y) =>
            x is not null && y is not null && x with { ValClassIoU = [] } == y with { ValClassIoU = [] }
            && x.ValClassIoU.SequenceEqual(y.ValClassIoU);

        public int GetHashCode(EpochRecord obj) => obj.Epoch;
    }
}
