using DesertSeg.Lab.Checkpoints;
using DesertSeg.Lab.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace DesertSeg.Lab.Tests.Models;

public class DeepLabV3PlusTests
{
    [Theory]
    [InlineData("resnet101", 7, 45_671_255L)]
    [InlineData("resnet101", 10, 45_672_026L)]
    [InlineData("resnet50", 7, 26_679_127L)]
    [InlineData("resnet34", 7, 22_438_999L)]
    [InlineData("resnet18", 7, 12_330_839L)]
    // resnet18 plus a third layer4 BasicBlock: 2 * 512*512*3*3 conv weights + 2 * 2*512 BN weights/biases.
    [InlineData("resnet18-imagenet", 7, 12_330_839L + 4_720_640L)]
    public void ParameterCountsEqualTheFactSheet(string encoder, int classes, long expected)
    {
        using var model = DeepLabV3Plus.Create(new ModelConfig(encoder, classes));
        Assert.Equal(expected, model.parameters().Sum(p => p.NumberOfElements));
        Assert.Equal(expected, ModelSummary.Of(model).TotalParameters);
    }

    [Theory]
    [InlineData("resnet18")]
    [InlineData("resnet34")]
    [InlineData("resnet50")]
    [InlineData("resnet101")]
    public void StateDictNamesShapesAndDtypesEqualThePyTorchMirrorInOrder(string encoder)
    {
        var expected = SmpKeyList.For(encoder);
        Assert.NotEmpty(expected);
        using var model = DeepLabV3Plus.Create(new ModelConfig(encoder, 7));
        var actual = StateDictOrder.Of(model).Select(e => new SmpKey(e.Name, DTypeName(e.Tensor.dtype), e.Tensor.shape)).ToList();
        Assert.Equal(model.state_dict().Keys.Order(), actual.Select(k => k.Name).Order());

        var missing = expected.Select(k => k.Name).Except(actual.Select(k => k.Name)).ToList();
        var extra = actual.Select(k => k.Name).Except(expected.Select(k => k.Name)).ToList();
        Assert.True(missing.Count == 0 && extra.Count == 0,
            $"missing: {string.Join(", ", missing.Take(10))}; unexpected: {string.Join(", ", extra.Take(10))}");
        for (int i = 0; i < expected.Count; i++)
        {
            Assert.Equal(expected[i].Name, actual[i].Name);
            Assert.Equal(expected[i].DType, actual[i].DType);
            Assert.Equal(expected[i].Shape, actual[i].Shape);
        }
    }

    private static string DTypeName(ScalarType t) => t switch
    {
        ScalarType.Float32 => "float32",
        ScalarType.Int64 => "int64",
        _ => t.ToString(),
    };

    [Theory]
    [InlineData("resnet18", 144, 256)]
    [InlineData("resnet18-imagenet", 144, 256)]
    [InlineData("resnet34", 144, 256)]
    [InlineData("resnet50", 144, 256)]
    [InlineData("resnet101", 64, 96)]
    public void OutputHasInputSizeAndClassChannels(string encoder, int h, int w)
    {
        using var scope = NewDisposeScope();
        using var model = DeepLabV3Plus.Create(new ModelConfig(encoder, 7));
        model.eval();
        using var _ = inference_mode();
        var logits = model.call(randn(1, 3, h, w));
        Assert.Equal(new long[] { 1, 7, h, w }, logits.shape);
    }

    [Fact]
    public void FullReportResolutionGivesFullSizeLogits()
    {
        // 512 x 896 is the training and evaluation size of Phase 5; ResNet-18 keeps this fast on CPU.
        using var scope = NewDisposeScope();
        using var model = DeepLabV3Plus.Create(new ModelConfig("resnet18", 7));
        model.eval();
        using var _ = inference_mode();
        Assert.Equal(new long[] { 1, 7, 512, 896 }, model.call(randn(1, 3, 512, 896)).shape);
    }

    [Fact]
    public void EncoderFeaturesHaveSmpStridesAndChannels()
    {
        using var scope = NewDisposeScope();
        using var model = DeepLabV3Plus.Create(new ModelConfig("resnet50", 7));
        model.eval();
        using var _ = inference_mode();
        var features = model.Encoder.call(randn(1, 3, 64, 96));
        long[][] expected = [[1, 3, 64, 96], [1, 64, 32, 48], [1, 256, 16, 24], [1, 512, 8, 12], [1, 1024, 4, 6], [1, 2048, 4, 6]];
        Assert.Equal(expected.Length, features.Length);
        for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], features[i].shape);
    }

    [Theory]
    [InlineData("resnet18")]
    [InlineData("resnet18-imagenet")]
    public void CheckpointKeysTellResNet18FromResNet18ImageNet(string encoder)
    {
        using var model = DeepLabV3Plus.Create(new ModelConfig(encoder, 5));
        using var state = new StateDict("in memory", StateDictOrder.Of(model).ToDictionary(e => e.Name, e => e.Tensor.clone()));
        Assert.Equal(new ModelConfig(encoder, 5), Lab.Inference.ModelSource.Infer(state));
    }

    [Fact]
    public void OutputStride32IsTorchvisionsPlainResNet()
    {
        using var scope = NewDisposeScope();
        using var dilated = new Lab.Models.Encoders.ResNetEncoder(Lab.Models.Encoders.ResNetSpec.ResNet18ImageNet);
        using var plain = new Lab.Models.Encoders.ResNetEncoder(Lab.Models.Encoders.ResNetSpec.ResNet18ImageNet, outputStride: 32);
        dilated.eval();
        plain.eval();
        using var _ = inference_mode();
        Assert.Equal([1L, 512, 14, 14], dilated.call(randn(1, 3, 224, 224))[5].shape);
        Assert.Equal([1L, 512, 7, 7], plain.call(randn(1, 3, 224, 224))[5].shape);
        // Same parameters and names either way.
        Assert.Equal(StateDictOrder.Of(dilated).Select(e => (e.Name, string.Join("x", e.Tensor.shape))),
            StateDictOrder.Of(plain).Select(e => (e.Name, string.Join("x", e.Tensor.shape))));
        Assert.Contains(StateDictOrder.Of(plain), e => e.Name == "layer4.2.conv2.weight");
        Assert.Throws<ArgumentOutOfRangeException>(() =>
            new Lab.Models.Encoders.ResNetEncoder(Lab.Models.Encoders.ResNetSpec.ResNet18, outputStride: 8));
    }

    [Theory]
    [InlineData(1, 3, 100, 256)]
    [InlineData(1, 3, 144, 250)]
    [InlineData(1, 1, 144, 256)]
    public void RejectsInputsTheDecoderCannotAlign(long n, long c, long h, long w)
    {
        using var model = DeepLabV3Plus.Create(new ModelConfig("resnet18", 7));
        using var x = zeros(n, c, h, w);
        var error = Assert.Throws<ArgumentException>(() => model.call(x));
        Assert.Contains($"[{n}, {c}, {h}, {w}]", error.Message);
    }

    [Fact]
    public void UnknownEncoderIsNamed()
    {
        var error = Assert.Throws<ArgumentException>(() => DeepLabV3Plus.Create(new ModelConfig("resnet152", 7)));
        Assert.Contains("resnet152", error.Message);
        Assert.Contains("resnet101", error.Message);
    }

    [Fact]
    public void SummarySplitsParametersByPart()
    {
        using var model = DeepLabV3Plus.Create(ModelConfig.Report);
        var summary = ModelSummary.Of(model);
        // torchvision ResNet-101 without fc: 44,549,160 - 2,049,000 (fc 2048*1000 + 1000).
        Assert.Equal(42_500_160, summary.EncoderParameters);
        Assert.Equal(256 * 7 + 7, summary.HeadParameters);
        Assert.Equal(45_671_255 - 42_500_160 - (256 * 7 + 7), summary.DecoderParameters);
        // The released checkpoint is ~183 MB: float32 parameters plus BN buffers.
        Assert.InRange(summary.SizeMB, 182.0, 184.0);
        Assert.Contains("45,671,255", summary.ToString());
    }
}
