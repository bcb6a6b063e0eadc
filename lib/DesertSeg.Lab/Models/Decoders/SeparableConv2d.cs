using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace DesertSeg.Lab.Models.Decoders;

/// <summary>smp's SeparableConv2d: depthwise k x k conv (groups = in, no bias) then pointwise 1x1.</summary>
/// <remarks>smp derives it from nn.Sequential, so its children are named "0" (depthwise) and
/// "1" (pointwise) in the state dict; they are registered under those names here.</remarks>
public sealed class SeparableConv2d : nn.Module<Tensor, Tensor>
{
    private readonly Conv2d depthwise;
    private readonly Conv2d pointwise;

    public SeparableConv2d(long inChannels, long outChannels, long kernelSize, long padding = 0, long dilation = 1, bool bias = true)
        : base(nameof(SeparableConv2d))
    {
        depthwise = nn.Conv2d(inChannels, inChannels, kernelSize, padding: padding, dilation: dilation, groups: inChannels, bias: false);
        pointwise = nn.Conv2d(inChannels, outChannels, 1, bias: bias);
        register_module("0", depthwise);
        register_module("1", pointwise);
    }

    /// <summary>Children are registered under smp's nn.Sequential indices in the constructor; the
    /// default (a parent's RegisterComponents reaches here) would add them again under field names.</summary>
    protected override void RegisterComponents() { }

    public override Tensor forward(Tensor x)
    {
        using var depth = depthwise.call(x);
        return pointwise.call(depth);
    }
}
