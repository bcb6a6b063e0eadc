using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace DesertSeg.Lab.Models.Encoders;

/// <summary>torchvision's BasicBlock (ResNet-18/34). Field names are the state-dict names.</summary>
public sealed class BasicBlock : nn.Module<Tensor, Tensor>
{
    private readonly Conv2d conv1;
    private readonly BatchNorm bn1;
    private readonly ReLU relu;
    private readonly Conv2d conv2;
    private readonly BatchNorm bn2;
    private readonly Downsample? downsample;

    /// <param name="inplanes">Input channels.</param>
    /// <param name="planes">Output channels.</param>
    /// <param name="stride">Stride of the first 3x3 conv (1 when dilated).</param>
    /// <param name="dilation">Dilation of both 3x3 convs; padding follows as smp patches it: (3/2)*dilation.</param>
    /// <param name="downsample">1x1 conv + BN on the identity path, or null.</param>
    public BasicBlock(long inplanes, long planes, long stride, long dilation, Downsample? downsample) : base(nameof(BasicBlock))
    {
        conv1 = nn.Conv2d(inplanes, planes, 3, stride: stride, padding: dilation, dilation: dilation, bias: false);
        bn1 = new BatchNorm2dLayer(planes);
        relu = nn.ReLU(inplace: true);
        conv2 = nn.Conv2d(planes, planes, 3, stride: 1, padding: dilation, dilation: dilation, bias: false);
        bn2 = new BatchNorm2dLayer(planes);
        this.downsample = downsample;
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var identity = downsample is null ? x : downsample.call(x);
        var y = relu.call(bn1.call(conv1.call(x)));
        y = bn2.call(conv2.call(y));
        return relu.call(y.add_(identity)).MoveToOuterDisposeScope();
    }
}
