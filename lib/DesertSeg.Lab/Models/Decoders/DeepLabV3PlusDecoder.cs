using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace DesertSeg.Lab.Models.Decoders;

/// <summary>smp 0.3.3's DeepLabV3PlusDecoder for output stride 16.</summary>
/// <remarks>
/// aspp = [ASPP, separable 3x3, BN, ReLU] on the 1/16 features; upsampled x4 with
/// align_corners=True (smp's nn.UpsamplingBilinear2d); block1 = 1x1 conv of the 1/4 (layer1)
/// features to 48 channels + BN + ReLU; block2 = separable 3x3 of the concatenation + BN + ReLU.
/// </remarks>
public sealed class DeepLabV3PlusDecoder : nn.Module<Tensor[], Tensor>
{
    /// <summary>Channels of the high-resolution branch, as the DeepLabV3+ paper proposes.</summary>
    public const int HighResChannels = 48;

    private readonly Sequential aspp;
    private readonly Sequential block1;
    private readonly Sequential block2;

    /// <summary>Channels of the decoder output.</summary>
    public int OutChannels { get; }

    public DeepLabV3PlusDecoder(IReadOnlyList<int> encoderChannels, int outChannels, AtrousRates rates)
        : base(nameof(DeepLabV3PlusDecoder))
    {
        OutChannels = outChannels;
        aspp = nn.Sequential(
            new Aspp(encoderChannels[^1], outChannels, rates),
            new SeparableConv2d(outChannels, outChannels, 3, padding: 1, bias: false),
            new BatchNorm2dLayer(outChannels),
            nn.ReLU());
        block1 = nn.Sequential(
            nn.Conv2d(encoderChannels[^4], HighResChannels, 1, bias: false),
            new BatchNorm2dLayer(HighResChannels),
            nn.ReLU());
        block2 = nn.Sequential(
            new SeparableConv2d(HighResChannels + outChannels, outChannels, 3, padding: 1, bias: false),
            new BatchNorm2dLayer(outChannels),
            nn.ReLU());
        RegisterComponents();
    }

    /// <param name="features">The encoder's six features; uses the last (1/16) and the fourth from
    /// the end (layer1, 1/4).</param>
    public override Tensor forward(Tensor[] features)
    {
        using var scope = NewDisposeScope();
        var context = aspp.call(features[^1]);
        var upsampled = F.interpolate(context, scale_factor: [4.0, 4.0], mode: InterpolationMode.Bilinear, align_corners: true);
        var highRes = block1.call(features[^4]);
        return block2.call(cat([upsampled, highRes], dim: 1)).MoveToOuterDisposeScope();
    }
}
