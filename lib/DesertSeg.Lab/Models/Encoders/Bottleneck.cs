using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace DesertSeg.Lab.Models.Encoders;

/// <summary>torchvision's Bottleneck (ResNet-50/101, "v1.5": the stride sits in the 3x3 conv).
/// Field names are the state-dict names.</summary>
public sealed class Bottleneck : nn.Module<Tensor, Tensor>
{
    /// <summary>Output channels are planes * Expansion.</summary>
    public const int Expansion = 4;

    private readonly Conv2d conv1;
    private readonly BatchNorm bn1;
    private readonly Conv2d conv2;
    private readonly BatchNorm bn2;
    private readonly Conv2d conv3;
    private readonly BatchNorm bn3;
    private readonly ReLU relu;
    private readonly Downsample? downsample;

    /// <param name="inplanes">Input channels.</param>
    /// <param name="planes">Width of the 3x3 conv; output is planes * 4.</param>
    /// <param name="stride">Stride of the 3x3 conv (1 when dilated).</param>
    /// <param name="dilation">smp's output-stride patch sets dilation on every conv of layer4, the 1x1
    /// ones included (padding (k/2)*dilation = 0 for them, so they compute the same thing).</param>
    /// <param name="downsample">1x1 conv + BN on the identity path, or null.</param>
    public Bottleneck(long inplanes, long planes, long stride, long dilation, Downsample? downsample) : base(nameof(Bottleneck))
    {
        conv1 = nn.Conv2d(inplanes, planes, 1, dilation: dilation, bias: false);
        bn1 = new BatchNorm2dLayer(planes);
        conv2 = nn.Conv2d(planes, planes, 3, stride: stride, padding: dilation, dilation: dilation, bias: false);
        bn2 = new BatchNorm2dLayer(planes);
        conv3 = nn.Conv2d(planes, planes * Expansion, 1, dilation: dilation, bias: false);
        bn3 = new BatchNorm2dLayer(planes * Expansion);
        relu = nn.ReLU(inplace: true);
        this.downsample = downsample;
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var identity = downsample is null ? x : downsample.call(x);
        var y = relu.call(bn1.call(conv1.call(x)));
        y = relu.call(bn2.call(conv2.call(y)));
        y = bn3.call(conv3.call(y));
        return relu.call(y.add_(identity)).MoveToOuterDisposeScope();
    }
}
