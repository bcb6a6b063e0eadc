using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace DesertSeg.Lab.Models.Decoders;

/// <summary>smp's ASPPPooling: global average pool -> 1x1 conv -> BN -> ReLU, then bilinear back to
/// the input's size with align_corners=False (a 1x1 map, so every pixel gets the same vector).</summary>
/// <remarks>An nn.Sequential in smp: children "0" pool, "1" conv, "2" BN, "3" ReLU.</remarks>
public sealed class AsppPooling : nn.Module<Tensor, Tensor>
{
    private readonly AdaptiveAvgPool2d pool;
    private readonly Conv2d conv;
    private readonly BatchNorm bn;
    private readonly ReLU relu;

    public AsppPooling(long inChannels, long outChannels) : base(nameof(AsppPooling))
    {
        pool = nn.AdaptiveAvgPool2d(1);
        conv = nn.Conv2d(inChannels, outChannels, 1, bias: false);
        bn = new BatchNorm2dLayer(outChannels);
        relu = nn.ReLU();
        register_module("0", pool);
        register_module("1", conv);
        register_module("2", bn);
        register_module("3", relu);
    }

    /// <summary>Children are registered under smp's nn.Sequential indices in the constructor; the
    /// default (a parent's RegisterComponents reaches here) would add them again under field names.</summary>
    protected override void RegisterComponents() { }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var y = relu.call(bn.call(conv.call(pool.call(x))));
        return F.interpolate(y, size: [x.shape[2], x.shape[3]], mode: InterpolationMode.Bilinear, align_corners: false)
            .MoveToOuterDisposeScope();
    }
}
