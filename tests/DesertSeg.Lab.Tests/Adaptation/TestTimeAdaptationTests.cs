using DesertSeg.Lab.Adaptation;
using DesertSeg.Lab.Data;
using DesertSeg.Lab.Inference;
using DesertSeg.Lab.Models;
using OpenCvSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace DesertSeg.Lab.Tests.Adaptation;

/// <summary>AdaBN and TENT change exactly what they claim to; the adapted checkpoint carries its input size and scheme.</summary>
public class TestTimeAdaptationTests
{
    private const int Size = 64;

    /// <summary>A folder of <paramref name="count"/> random-noise images (brighter than ImageNet's mean, so statistics move).</summary>
    internal static string WriteImages(TempFolder dir, int count, string name = "target", int seed = 1)
    {
        string folder = dir.Combine(name);
        Directory.CreateDirectory(folder);
        var random = new Random(seed);
        for (int i = 0; i < count; i++)
        {
            using var mat = new Mat(Size, Size, MatType.CV_8UC3);
            var bytes = new byte[Size * Size * 3];
            for (int j = 0; j < bytes.Length; j++) bytes[j] = (byte)(120 + random.Next(136));
            System.Runtime.InteropServices.Marshal.Copy(bytes, 0, mat.Data, bytes.Length);
            Cv2.ImWrite(Path.Combine(folder, $"t{i:D3}.png"), mat);
        }
        return folder;
    }

    private static Dictionary<string, float[]> Snapshot(nn.Module model) =>
        model.named_parameters().ToDictionary(p => "param " + p.name, p => p.parameter.detach().clone().data<float>().ToArray())
            .Concat(model.named_buffers().Where(b => b.buffer.is_floating_point())
                .ToDictionary(b => "buffer " + b.name, b => b.buffer.detach().clone().data<float>().ToArray()))
            .ToDictionary(kv => kv.Key, kv => kv.Value);

    private static bool IsRunningStatistic(string key) =>
        key.StartsWith("buffer ") && (key.EndsWith("running_mean") || key.EndsWith("running_var"));

    private static bool IsBatchNormAffine(DeepLabV3Plus model, string key)
    {
        var bnNames = model.named_modules().Where(m => m.module is BatchNorm).Select(m => m.name).ToHashSet();
        if (!key.StartsWith("param ")) return false;
        string name = key["param ".Length..];
        int dot = name.LastIndexOf('.');
        return bnNames.Contains(name[..dot]) && name[(dot + 1)..] is "weight" or "bias";
    }

    [Fact]
    public void AdaBnChangesOnlyRunningStatistics_ToTheTargetMean()
    {
        using var dir = new TempFolder();
        var target = TargetImages.Open(WriteImages(dir, 6));
        using var model = DeepLabV3Plus.Create(new ModelConfig("resnet18", 3));
        model.eval();
        var before = Snapshot(model);

        AdaptiveBatchNorm.Adapt(model, target, Size, Size, CPU, new AdaBnConfig(BatchSize: 4));

        var after = Snapshot(model);
        foreach (var (key, values) in before)
        {
            bool changed = !values.SequenceEqual(after[key]);
            if (IsRunningStatistic(key)) Assert.True(changed, $"{key} should have been re-estimated");
            else Assert.False(changed, $"{key} changed, but AdaBN changes running statistics only");
        }
        // bn1 normalises conv1's output: its new running mean is the average of conv1's per-channel mean over the
        // two target batches (images 0-3 and 4-5), each batch weighing the same (PyTorch's cumulative average).
        using var _ = no_grad();
        var conv1 = (nn.Module<Tensor, Tensor>)model.Encoder.named_modules().First(m => m.name == "conv1").module;
        using var first = target.Batch([0, 1, 2, 3], Size, Size, CPU);
        using var second = target.Batch([4, 5], Size, Size, CPU);
        using var meanFirst = conv1.call(first).mean([0, 2, 3]);
        using var meanSecond = conv1.call(second).mean([0, 2, 3]);
        var expected = ((meanFirst + meanSecond) / 2).data<float>().ToArray();
        var got = after["buffer encoder.bn1.running_mean"];
        for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], got[i], 3);
        Assert.False(model.training);
    }

    [Fact]
    public void TentReportsEveryImageItPasses_UpToItsDeclaredTotal()
    {
        using var dir = new TempFolder();
        var target = TargetImages.Open(WriteImages(dir, 4));
        using var model = DeepLabV3Plus.Create(new ModelConfig("resnet18", 3));
        model.eval();
        var method = new TentConfig(LearningRate: 1e-2, Epochs: 2, BatchSize: 2, ReestimateStatistics: true);
        var heard = new List<int>();

        method.Adapt(model, target, Size, Size, CPU, CancellationToken.None, new SynchronousProgress(heard.Add));

        // Two epochs of two batches of 2, then AdaBN's pass in two batches: 2, 4, .., 12 = 4 x (2 + 1).
        Assert.Equal([2, 4, 6, 8, 10, 12], heard);
        Assert.Equal(12, method.Passes(target));
    }

    private sealed class SynchronousProgress(Action<int> report) : IProgress<int>
    {
        public void Report(int value) => report(value);
    }

    [Fact]
    public void TentChangesOnlyBatchNormAffineParameters()
    {
        using var dir = new TempFolder();
        var target = TargetImages.Open(WriteImages(dir, 4));
        using var model = DeepLabV3Plus.Create(new ModelConfig("resnet18", 3));
        model.eval();
        var before = Snapshot(model);

        var entropy = Tent.Adapt(model, target, Size, Size, CPU,
            new TentConfig(LearningRate: 1e-2, Epochs: 1, BatchSize: 2, ReestimateStatistics: false));

        Assert.Equal(2, entropy.Count);
        var after = Snapshot(model);
        int changedAffine = 0;
        foreach (var (key, values) in before)
        {
            bool changed = !values.SequenceEqual(after[key]);
            if (IsBatchNormAffine(model, key)) changedAffine += changed ? 1 : 0;
            else Assert.False(changed, $"{key} changed, but TENT changes BatchNorm's affine parameters only");
        }
        Assert.True(changedAffine > 10, $"only {changedAffine} affine parameters changed");
        Assert.All(model.parameters(), p => Assert.True(p.requires_grad)); // trainability restored
    }

    [Fact]
    public void AdaptedCheckpointKeepsTheSourceInputSizeAndScheme()
    {
        using var dir = new TempFolder();
        var target = TargetImages.Open(WriteImages(dir, 2));
        string source = dir.Combine("source.safetensors");
        using (var model = DeepLabV3Plus.Create(new ModelConfig("resnet18", 7)))
            Lab.Checkpoints.ModelCheckpoints.ExportSafetensors(model, source);
        string adapted = dir.Combine("out", "adabn.safetensors");

        // A bare checkpoint has no input size of its own: adapt it at 64x64 by resolving it with that size first.
        var resolved = ModelSource.Resolve(source, (Size, Size));
        using (var predictor = Predictor.Load(source, (Size, Size), CPU))
        {
            AdaptiveBatchNorm.Adapt(predictor.Model, target, Size, Size, CPU);
            AdaptedCheckpoint.Write(predictor.Model, adapted, AdaptedCheckpoint.RecordFor(resolved, "AdaBN", target, transductive: false));
        }

        var again = ModelSource.Resolve(adapted);
        Assert.Equal((Size, Size), (again.Height, again.Width));
        Assert.Equal(ClassScheme.SevenClass, again.Scheme);
        Assert.Contains("AdaBN", again.Origin);
    }
}
