using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace DesertSeg.Lab.Models.Heads;

/// <summary>smp's SegmentationHead with kernel_size 1, upsampling 4 and no activation: a 1x1 conv
/// (with bias) to class logits, then bilinear x4 with align_corners=True (nn.UpsamplingBilinear2d).</summary>
/// <remarks>An nn.Sequential in smp; the conv is child "0" (segmentation_head.0.weight/bias).</remarks>
public sealed class SegmentationHead : nn.Module<Tensor, Tensor>
{
    private readonly Conv2d conv;

    /// <summary>Factor of the final upsampling (decoder output is at 1/4 of the input).</summary>
    public const int Upsampling = 4;

    public SegmentationHead(long inChannels, long classes) : base(nameof(SegmentationHead))
    {
        conv = nn.Conv2d(inChannels, classes, 1);
        register_module("0", conv);
    }

    /// <summary>Children are registered under smp's nn.Sequential indices in the constructor; the
    /// default (a parent's RegisterComponents reaches here) would add them again under field names.</summary>
    protected override void RegisterComponents() { }

    public override Tensor forward(Tensor x)
    {
        using var logits = conv.call(x);
        return F.interpolate(logits, scale_factor: [Upsampling, Upsampling], mode: InterpolationMode.Bilinear, align_corners: true);
    }
}
