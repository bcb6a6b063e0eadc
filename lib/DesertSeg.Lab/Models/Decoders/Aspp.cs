using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace DesertSeg.Lab.Models.Decoders;

/// <summary>smp's ASPP with separable=True: five parallel branches (1x1; three separable 3x3 at the
/// atrous rates; image pooling), concatenated and projected to <c>outChannels</c> with dropout 0.5.</summary>
public sealed class Aspp : nn.Module<Tensor, Tensor>
{
    private readonly ModuleList<nn.Module<Tensor, Tensor>> convs;
    private readonly Sequential project;

    public Aspp(long inChannels, long outChannels, AtrousRates rates) : base(nameof(Aspp))
    {
        convs = nn.ModuleList<nn.Module<Tensor, Tensor>>(
            nn.Sequential(nn.Conv2d(inChannels, outChannels, 1, bias: false), new BatchNorm2dLayer(outChannels), nn.ReLU()),
            SeparableBranch(inChannels, outChannels, rates.Low),
            SeparableBranch(inChannels, outChannels, rates.Mid),
            SeparableBranch(inChannels, outChannels, rates.High),
            new AsppPooling(inChannels, outChannels));
        project = nn.Sequential(
            nn.Conv2d(5 * outChannels, outChannels, 1, bias: false),
            new BatchNorm2dLayer(outChannels),
            nn.ReLU(),
            nn.Dropout(0.5));
        RegisterComponents();
    }

    /// <summary>smp's ASPPSeparableConv: separable 3x3 with dilation = padding = rate, BN, ReLU.</summary>
    private static Sequential SeparableBranch(long inChannels, long outChannels, int rate) =>
        nn.Sequential(
            new SeparableConv2d(inChannels, outChannels, 3, padding: rate, dilation: rate, bias: false),
            new BatchNorm2dLayer(outChannels),
            nn.ReLU());

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var branches = convs.Select(branch => branch.call(x)).ToArray();
        return project.call(cat(branches, dim: 1)).MoveToOuterDisposeScope();
    }
}
