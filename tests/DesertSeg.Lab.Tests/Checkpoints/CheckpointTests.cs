using DesertSeg.Lab.Checkpoints;
using DesertSeg.Lab.Models;
using TorchSharp;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace DesertSeg.Lab.Tests.Checkpoints;

public sealed class CheckpointTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("desertseg-ckpt-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    private static DeepLabV3Plus TrainedLikeModel(string encoder, int classes, int seed)
    {
        manual_seed(seed);
        var model = DeepLabV3Plus.Create(new ModelConfig(encoder, classes));
        // A train-mode pass moves BN statistics and num_batches_tracked away from their initial values.
        using (var scope = NewDisposeScope())
        using (no_grad()) model.call(randn(2, 3, 32, 32));
        model.eval();
        return model;
    }

    private static void AssertSameState(nn.Module expected, nn.Module actual, Func<string, bool>? which = null)
    {
        var a = StateDictOrder.Of(expected).ToDictionary(e => e.Name, e => e.Tensor);
        foreach (var (name, t) in StateDictOrder.Of(actual))
        {
            if (which is not null && !which(name)) continue;
            Assert.True(Identical(a[name], t), $"{name} differs");
        }
    }

    private static bool Identical(Tensor a, Tensor b) =>
        a.dtype == b.dtype && a.shape.SequenceEqual(b.shape) && a.eq(b).all().item<bool>();

    [Fact]
    public void PyTorchComputesTheSameLogitsForFormulaWeights()
    {
        // Fixtures/r18_formula_io.safetensors: input and logits computed by real PyTorch 1.13 on the smp
        // mirror with the same formula weights (tools/python/smp_reference.py formula-fixture).
        using var scope = NewDisposeScope();
        using var model = DeepLabV3Plus.Create(new ModelConfig("resnet18", 7));
        FormulaWeights.Fill(model);
        model.eval();
        var io = SafetensorsFile.Read(Fixtures.Path("r18_formula_io.safetensors"));
        using var _ = inference_mode();
        var logits = model.call(io["input"]);
        var reference = io["logits"];
        Assert.Equal(reference.shape, logits.shape);
        double maxDiff = (logits - reference).abs().max().item<float>();
        double scale = reference.abs().max().item<float>();
        Assert.True(maxDiff < 1e-4 * Math.Max(1, scale), $"max |TorchSharp - PyTorch| = {maxDiff} at logit scale {scale}");
    }

    [Fact]
    public void ExportThenImportGivesIdenticalTensorsAndLogits()
    {
        using var scope = NewDisposeScope();
        using var original = TrainedLikeModel("resnet18", 7, seed: 1);
        string path = Path.Combine(folder, "model.safetensors");
        original.ExportSafetensors(path);

        using var restored = TrainedLikeModel("resnet18", 7, seed: 2);
        var report = restored.LoadSmpCheckpoint(path);
        Assert.True(report.IsExactMatch);
        Assert.Equal(StateDictOrder.Of(original).Count, report.Loaded.Count);
        AssertSameState(original, restored);

        using var _ = inference_mode();
        var x = randn(1, 3, 64, 64);
        Assert.True(Identical(original.call(x), restored.call(x)));
    }

    [Fact]
    public void ExportedFileIsWellFormedSafetensorsInSmpOrder()
    {
        using var model = TrainedLikeModel("resnet18", 7, seed: 1);
        string path = Path.Combine(folder, "model.safetensors");
        model.ExportSafetensors(path);
        byte[] bytes = File.ReadAllBytes(path);
        long headerLength = BitConverter.ToInt64(bytes, 0);
        Assert.Equal(0, headerLength % 8);
        var header = System.Text.Json.Nodes.JsonNode.Parse(System.Text.Encoding.UTF8.GetString(bytes, 8, (int)headerLength))!.AsObject();
        Assert.Equal("pt", (string?)header["__metadata__"]!["format"]);
        var names = header.Select(kv => kv.Key).Where(k => k != "__metadata__").ToList();
        Assert.Equal(SmpKeyNames("resnet18"), names);
        Assert.Equal("I64", (string?)header["encoder.bn1.num_batches_tracked"]!["dtype"]);
        long end = header.Where(kv => kv.Key != "__metadata__").Max(kv => (long)kv.Value!["data_offsets"]![1]!);
        Assert.Equal(bytes.Length, 8 + headerLength + end);
        Assert.Empty(Directory.GetFiles(folder, "*.tmp")); // the atomic write left nothing behind
    }

    private static List<string> SmpKeyNames(string encoder) => Models.SmpKeyList.For(encoder).Select(k => k.Name).ToList();

    [Theory]
    [InlineData("partial_plain.pth")]
    [InlineData("partial_wrapped.pth")]
    [InlineData("partial_dataparallel.pth")]
    [InlineData("partial_plain.safetensors")]
    public void ReadsStateDictsWrittenByPyTorch(string file)
    {
        // torch.save of the head and decoder.block1 of an R18/7 model with formula weights: as is, nested
        // under 'model_state_dict' beside an epoch and a metric, and with DataParallel's 'module.' prefix.
        using var scope = NewDisposeScope();
        using var stateDict = StateDict.Load(Fixtures.Path(file));
        var expected = new[] { "decoder.block1.0.weight", "decoder.block1.1.weight", "decoder.block1.1.bias",
            "decoder.block1.1.running_mean", "decoder.block1.1.running_var", "decoder.block1.1.num_batches_tracked",
            "segmentation_head.0.weight", "segmentation_head.0.bias" };
        Assert.Equal(expected.Order(), stateDict.Keys.Order());
        Assert.Equal(ScalarType.Int64, stateDict["decoder.block1.1.num_batches_tracked"].dtype);

        using var model = DeepLabV3Plus.Create(new ModelConfig("resnet18", 7));
        using var formula = DeepLabV3Plus.Create(new ModelConfig("resnet18", 7));
        FormulaWeights.Fill(formula);
        var report = model.LoadSmpStateDict(stateDict, strict: false, source: file);
        Assert.Equal(expected.Order(), report.Loaded.Order());
        Assert.Contains("encoder.conv1.weight", report.Missing);
        Assert.Empty(report.Unexpected);
        Assert.Empty(report.Mismatched);
        AssertSameState(formula, model, name => expected.Contains(name));

        // Strict loading of a partial file fails, names the file and the missing keys, and changes nothing.
        using var fresh = DeepLabV3Plus.Create(new ModelConfig("resnet18", 7));
        using var before = fresh.SegmentationHead.parameters().First().clone();
        var error = Assert.Throws<CheckpointException>(() => fresh.LoadSmpStateDict(stateDict, strict: true, source: file));
        Assert.Contains(file, error.Message);
        Assert.Contains("encoder.conv1.weight", error.Message);
        Assert.True(Identical(before, fresh.SegmentationHead.parameters().First()));
    }

    [Theory]
    [InlineData("partial_broken.pth")]
    [InlineData("partial_broken.safetensors")]
    public void BrokenCheckpointFailsNamingEachBadKey(string file)
    {
        // Written by PyTorch: decoder.block1.1.running_var removed, segmentation_head.0.weight 10 x 256,
        // decoder.block1.0.weight float64, decoder.block9.weight added. The rest of the model comes from
        // a complete state dict so that exactly these four are wrong.
        using var scope = NewDisposeScope();
        using var model = DeepLabV3Plus.Create(new ModelConfig("resnet18", 7));
        using var broken = StateDict.Load(Fixtures.Path(file));
        var complete = StateDictOrder.Of(model)
            .Where(e => !e.Name.StartsWith("decoder.block1.") && !e.Name.StartsWith("segmentation_head."))
            .ToDictionary(e => e.Name, e => e.Tensor);
        foreach (var (k, v) in broken) complete[k] = v;

        var error = Assert.Throws<CheckpointException>(() => model.LoadSmpStateDict(complete, strict: true, source: file));
        Assert.Contains(file, error.Message);
        Assert.Equal(["decoder.block1.1.running_var"], error.Report!.Missing);
        Assert.Equal(["decoder.block9.weight"], error.Report.Unexpected);
        Assert.Equal(["decoder.block1.0.weight", "segmentation_head.0.weight"], error.Report.Mismatched.Select(m => m.Key).Order());
        foreach (var key in new[] { "decoder.block1.1.running_var", "decoder.block9.weight", "decoder.block1.0.weight",
            "segmentation_head.0.weight" })
            Assert.Contains(key, error.Message);
        Assert.Contains("model float32 [48, 64, 1, 1], checkpoint float64 [48, 64, 1, 1]", error.Message);
        Assert.Contains("model float32 [7, 256, 1, 1], checkpoint float32 [10, 256, 1, 1]", error.Message);
    }

    [Fact]
    public void UnreadableFilesFailWithTheirName()
    {
        string garbage = Path.Combine(folder, "garbage.pth");
        File.WriteAllText(garbage, "not a checkpoint");
        Assert.Contains("garbage.pth", Assert.Throws<CheckpointException>(() => StateDict.Load(garbage)).Message);
        Assert.Contains("not found", Assert.Throws<CheckpointException>(() => StateDict.Load(Path.Combine(folder, "none.pth"))).Message);

        string truncated = Path.Combine(folder, "truncated.safetensors");
        byte[] good = File.ReadAllBytes(Fixtures.Path("partial_plain.safetensors"));
        File.WriteAllBytes(truncated, good[..(good.Length - 100)]);
        var error = Assert.Throws<CheckpointException>(() => StateDict.Load(truncated));
        Assert.Contains("truncated.safetensors", error.Message);
    }

    [Fact]
    public void TransferLoadsAllButTheHeadFromATenClassModel()
    {
        using var scope = NewDisposeScope();
        using var phase3 = TrainedLikeModel("resnet18", 10, seed: 3);
        string path = Path.Combine(folder, "phase3.safetensors");
        phase3.ExportSafetensors(path);

        using var phase5 = TrainedLikeModel("resnet18", 7, seed: 4);
        using var headBefore = phase5.SegmentationHead.parameters().First().clone();
        var report = phase5.TransferFrom(path);
        Assert.Equal(["segmentation_head.0.bias", "segmentation_head.0.weight"], report.Excluded.Order());
        Assert.Equal(StateDictOrder.Of(phase5).Count - 2, report.Loaded.Count);
        Assert.True(report.IsExactMatch);
        AssertSameState(phase3, phase5, name => !name.StartsWith("segmentation_head."));
        Assert.True(Identical(headBefore, phase5.SegmentationHead.parameters().First()));

        // Without the exclusion the head's shapes clash and the load names them.
        var error = Assert.Throws<CheckpointException>(() => phase5.LoadSmpCheckpoint(path));
        Assert.Contains("segmentation_head.0.weight (model float32 [7, 256, 1, 1], checkpoint float32 [10, 256, 1, 1])", error.Message);
    }

    [Theory]
    [InlineData("resnet18_tv.pth")]
    [InlineData("resnet18_tv.safetensors")]
    public void TorchvisionCheckpointInitialisesTheEncoderOnly(string file)
    {
        // A torchvision-layout file (conv1.*, bn1.*, layer1-4.*, fc.*) made from another model's encoder,
        // written with PyBridge's torch.save-compatible pickler and with safetensors.
        using var scope = NewDisposeScope();
        using var source = TrainedLikeModel("resnet18", 7, seed: 5);
        var torchvision = StateDictOrder.Of(source.Encoder).ToList();
        torchvision.Add(("fc.weight", randn(1000, 512)));
        torchvision.Add(("fc.bias", randn(1000)));
        string path = Path.Combine(folder, file);
        if (file.EndsWith(".pth"))
            PyTorchPickler.PickleStateDict(path, torchvision.ToDictionary(e => e.Name, e => e.Tensor));
        else
            StateDict.SaveSafetensors(path, torchvision);

        using var model = TrainedLikeModel("resnet18", 7, seed: 6);
        using var decoderBefore = model.Decoder.parameters().First().clone();
        var report = model.LoadEncoderFromTorchvision(path);
        Assert.Equal(["fc.bias", "fc.weight"], report.Excluded.Order());
        Assert.True(report.IsExactMatch);
        Assert.All(report.Loaded, k => Assert.StartsWith("encoder.", k));
        AssertSameState(source, model, name => name.StartsWith("encoder."));
        Assert.True(Identical(decoderBefore, model.Decoder.parameters().First()));

        // A ResNet-50 file does not fit a ResNet-18 encoder: every clash is named.
        using var r50 = DeepLabV3Plus.Create(new ModelConfig("resnet50", 7));
        var error = Assert.Throws<CheckpointException>(() => r50.LoadEncoderFromTorchvision(path));
        Assert.Contains("encoder.layer1.0.conv3.weight", error.Message);
    }
}
