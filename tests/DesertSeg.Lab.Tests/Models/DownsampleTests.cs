using DesertSeg.Lab.Models.Encoders;
using DesertSeg.Lab.Tests.Cli;
using TorchSharp;
using static TorchSharp.torch;

namespace DesertSeg.Lab.Tests.Models;

/// <summary>The downsample branch that subsamples before a stride-1 1x1 convolution is the strided convolution it replaces,
/// and with it every encoder trains on this machine without a native crash.</summary>
public class DownsampleTests
{
    [Fact]
    public void SubsampledConvolution_GivesTheStridedConvolutionsOutputAndGradients()
    {
        using var scope = NewDisposeScope();
        random.manual_seed(5);
        using var branch = new Downsample(64, 128, stride: 2, dilation: 1);
        using var reference = nn.Conv2d(64, 128, 1, stride: 2, bias: false);
        using (no_grad()) reference.weight!.copy_(branch.named_parameters().Single(p => p.name == "0.weight").parameter);
        using var norm = nn.BatchNorm2d(128);
        branch.eval();
        norm.eval();
        // Odd sizes: the strided convolution keeps ceil(H / 2) rows, as the subsampling does.
        var x1 = randn(2, 64, 9, 13).requires_grad_(true);
        var x2 = x1.detach().clone().requires_grad_(true);

        var y1 = branch.call(x1);
        var y2 = norm.call(reference.call(x2));
        var upstream = randn_like(y1);
        (y1 * upstream).sum().backward();
        (y2 * upstream).sum().backward();

        Assert.Equal(y2.shape, y1.shape);
        Assert.True(y1.allclose(y2, rtol: 1e-5, atol: 1e-5), "outputs differ");
        Assert.True(x1.grad!.allclose(x2.grad!, rtol: 1e-5, atol: 1e-5), "input gradients differ");
        var weightGrad = branch.named_parameters().Single(p => p.name == "0.weight").parameter.grad!;
        Assert.True(weightGrad.allclose(reference.weight!.grad!, rtol: 1e-4, atol: 1e-4), "weight gradients differ");
        Assert.Equal(["0.weight", "1.weight", "1.bias"], branch.named_parameters().Select(p => p.name));
    }

    /// <summary>In a child process, because a native crash cannot be caught: LibTorch's oneDNN dies with SIGFPE (exit 136) in
    /// the backward pass of a strided 1x1 convolution with 512+ input channels on this project's machines.</summary>
    [Trait(Tier.Category, Tier.Slow)]
    [Fact]
    public void EveryEncoderTrainsAStep_InAChildProcess_WithoutASignal()
    {
        var result = CliRunner.Run("selfcheck", "--device", "cpu");

        Assert.True(result.ExitCode == 0, $"selfcheck ended with exit {result.ExitCode}" +
            (result.ExitCode == 136 ? " (SIGFPE)" : "") + $":\n{result.Output}");
        foreach (var spec in ResNetSpec.All) Assert.Contains($"{spec.Name}: training step ok", result.Output);
        Assert.DoesNotContain("NNPACK", result.Output);
    }
}
