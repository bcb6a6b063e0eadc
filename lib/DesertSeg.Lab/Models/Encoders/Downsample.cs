using TorchSharp;
using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace DesertSeg.Lab.Models.Encoders;

/// <summary>
/// torchvision's downsample branch of a ResNet block: a 1x1 convolution (stride s, no bias), then BatchNorm, with the same
/// parameter names ("0.weight", "1.*"). The stride is taken by keeping every s-th pixel before a stride-1 convolution,
/// which is the same function (a 1x1 kernel without padding reads exactly those pixels) and the same gradients.
/// <para>Why: on this project's AMD EPYC virtual machines, LibTorch 2.7's oneDNN dies with SIGFPE in the backward-data pass
/// of a strided 1x1 convolution with 512 or more input channels (<c>brgemm_convolution_bwd_strided_t::pd_t::init</c>,
/// <c>brg_blocking_t::est_eff_1x1</c> dividing by a cache size it failed to detect): ResNet-101's layer3 and ResNet-50's
/// downsample branches, at every batch size and image size tried (the <c>conv-probe</c> benchmark sweeps them in child
/// processes). A stride-1 1x1 convolution takes another oneDNN path, so the fast path stays everywhere.</para>
/// </summary>
public sealed class Downsample : nn.Module<Tensor, Tensor>
{
    // Named as torchvision's Sequential names them, so that checkpoints keep their keys.
    [ComponentName(Name = "0")]
    private readonly Conv2d _conv;
    [ComponentName(Name = "1")]
    private readonly BatchNorm _norm;
    private readonly long _stride;

    public Downsample(long inChannels, long outChannels, long stride, long dilation) : base(nameof(Downsample))
    {
        _stride = stride;
        _conv = nn.Conv2d(inChannels, outChannels, 1, stride: 1, dilation: dilation, bias: false);
        _norm = new BatchNorm2dLayer(outChannels);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        if (_stride == 1) return _norm.call(_conv.call(x));
        using var scope = NewDisposeScope();
        var every = TensorIndex.Slice(0, null, _stride);
        return _norm.call(_conv.call(x[TensorIndex.Colon, TensorIndex.Colon, every, every])).MoveToOuterDisposeScope();
    }
}
