using DesertSeg.Lab.Data;
using DesertSeg.Lab.Data.Augmentation;
using DesertSeg.Lab.Data.Loading;
using DesertSeg.Lab.Evaluation;
using DesertSeg.Lab.Inference;
using DesertSeg.Lab.IO;
using DesertSeg.Lab.Losses;
using DesertSeg.Lab.Tests.Data;
using DesertSeg.Lab.Tests.Inference;
using DesertSeg.Lab.Tests.Training;
using DesertSeg.Lab.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace DesertSeg.Lab.Tests.Devices;

/// <summary>The default device is process-wide: these tests must not overlap with any other test.</summary>
[CollectionDefinition(nameof(DefaultDeviceCollection), DisableParallelization = true)]
public class DefaultDeviceCollection;

/// <summary>
/// Device consistency without a GPU. LibTorch's C++ "meta" device has no convolution kernel, so the model
/// cannot run there; instead the model and data stay on the CPU while the process's DEFAULT device is meta.
/// A tensor that a code path creates without naming its device (the bug that stops a CUDA run: a CPU
/// tensor meeting the model's CUDA tensors) then lands on meta and fails the first operation that mixes it
/// with the real ones, exactly where it would fail on the user's GPU.
/// </summary>
[Collection(nameof(DefaultDeviceCollection))]
public sealed class DeviceConsistencyTests : IDisposable
{
    private static readonly Device Meta = new(DeviceType.META);

    /// <summary>Where the model runs: the CPU here; tools/gpu-check sets DESERTSEG_TEST_DEVICE=cuda
    /// to run the same tests on the GPU.</summary>
    private static Device Target => Lab.Devices.ComputeDevice.Resolve(Environment.GetEnvironmentVariable("DESERTSEG_TEST_DEVICE") ?? "cpu");
    private readonly TempFolder _folder = new("desertseg-device");

    public void Dispose()
    {
        set_default_device(CPU);
        _folder.Dispose();
    }

    private static T OnMetaDefault<T>(Func<T> body)
    {
        set_default_device(Meta);
        try { return body(); }
        finally { set_default_device(CPU); }
    }

    [Fact]
    public void TheTrapWorks()
    {
        // Without this, every test below would pass vacuously.
        var (made, mixed) = OnMetaDefault(() =>
        {
            using var stray = zeros(3);
            using var real = ones([3], device: CPU);
            bool failed = false;
            try { using var sum = real + stray; _ = sum.sum().item<float>(); }
            catch (Exception) { failed = true; }
            return (stray.device_type, failed);
        });
        Assert.Equal(DeviceType.META, made);
        Assert.True(mixed, "a stray default-device tensor mixed with a CPU tensor without failing");
    }

    [Fact]
    public void TrainingEpochAndValidationNameTheirDevice()
    {
        string data = _folder.Combine("data");
        FalconFixture.WriteSmall(data);
        var dataset = FalconDataset.Open(data);
        var tiny = TrainingFixture.Tiny("5", epochs: 3) with { Height = TinyModel.Height, Width = TinyModel.Width, BatchSize = 2 };
        var config = tiny with
        {
            Model = tiny.Model with { Encoder = "resnet18" },
            Loss = tiny.Loss with { Ohem = new OhemConfig() },
            CutMix = new CutMix(Probability: 1.0),
        };
        var scheme = ClassScheme.ByName(config.ClassScheme);
        var pipeline = new AugmentationPipeline(AugmentationPreset.ByName(config.Augmentation), config.Height, config.Width);
        var loader = new SegmentationLoader(new SegmentationDataset(dataset[FalconLayout.Train], scheme, pipeline),
            LoaderOptions.Training(2, 1) with { Workers = 1 });
        var evaluation = new SegmentationLoader(new SegmentationDataset(dataset[FalconLayout.Val], scheme,
                AugmentationPipeline.Evaluation(config.Height, config.Width)),
            LoaderOptions.Evaluation(2) with { Workers = 1 });
        var device = Target;
        using var model = TinyModel.Create(scheme.Count, seed: 2);
        model.to(device);
        using var loss = new SegmentationLoss(config.Loss, scheme.ClassNames);
        loss.to(device);
        using var optimizer = new SegmentationOptimizer(model, config.Optimizer, config.Schedule);
        var run = new RunDirectory(_folder.Combine("run"));

        var (losses, score) = OnMetaDefault(() =>
        {
            optimizer.BeginEpoch(2);
            var epoch = new TrainingEpoch(config, model, loss, optimizer, loader, device, run,
                new EpochLineObserver(TextWriter.Null)).Run(2, default);
            return (epoch, ModelEvaluator.Evaluate(model, evaluation, device, loss));
        });

        Assert.True(double.IsFinite(losses.Loss) && losses.Images > 0);
        Assert.True(score.Images > 0 && double.IsFinite(score.MeanLoss!.Value));
    }

    [Fact]
    public void PredictionWithTtaAndSuppressionNamesItsDevice()
    {
        string data = _folder.Combine("data");
        FalconFixture.WriteSmall(data);
        var test = FalconDataset.Open(data)[FalconLayout.Test];
        using var predictor = new Predictor(TinyModel.Create(10, seed: 3), ClassScheme.TenClass, TinyModel.Height, TinyModel.Width, Target);
        var options = new PredictionOptions(TestTimeAugmentation.Original, AbsentClassSuppression.FromSplit(test));

        var (indices, score) = OnMetaDefault(() =>
            (predictor.PredictIndices(ImageFiles.ReadRgb(test.Pairs[0].ImagePath), options),
             SplitScorer.Score(predictor, test, new ScoringOptions(ScoringProtocol.InputSize, options))));

        Assert.Equal(16 * 9, indices.Length);
        Assert.True(score.Confusion.Total > 0);
    }
}
