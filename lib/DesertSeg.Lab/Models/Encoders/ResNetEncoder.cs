using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace DesertSeg.Lab.Models.Encoders;

/// <summary>smp 0.3.3's ResNetEncoder: a torchvision ResNet without avgpool and fc, with output stride 16
/// (or torchvision's plain output stride 32 on request).</summary>
/// <remarks>
/// Output stride 16 is smp's <c>make_dilated</c>: every Conv2d inside layer4 (the downsample conv too)
/// gets stride 1, dilation 2 and padding (k/2)*2. That differs from torchvision's
/// replace_stride_with_dilation, which leaves the first block of the layer at dilation 1.
/// Field names (conv1, bn1, layer1..layer4) are torchvision's state-dict names.
/// </remarks>
public sealed class ResNetEncoder : nn.Module<Tensor, Tensor[]>
{
    private readonly Conv2d conv1;
    private readonly BatchNorm bn1;
    private readonly ReLU relu;
    private readonly MaxPool2d maxpool;
    private readonly Sequential layer1;
    private readonly Sequential layer2;
    private readonly Sequential layer3;
    private readonly Sequential layer4;

    /// <summary>The layout this encoder was built from.</summary>
    public ResNetSpec Spec { get; }

    /// <summary>Channels of the six features <see cref="forward"/> returns.</summary>
    public IReadOnlyList<int> OutChannels => Spec.OutChannels;

    /// <summary>16 (smp's dilated layer4) or 32 (torchvision's strides, as the classifier was trained).</summary>
    public int OutputStride { get; }

    /// <param name="spec">Block type and layer sizes.</param>
    /// <param name="outputStride">16 (default): smp's encoder, layer4 dilated; 32: torchvision's plain
    /// ResNet (layer4 strided), e.g. to compare features with the ImageNet classifier the weights came from.
    /// Both have the same parameters and state-dict names.</param>
    public ResNetEncoder(ResNetSpec spec, int outputStride = 16) : base(nameof(ResNetEncoder))
    {
        if (outputStride is not (16 or 32))
            throw new ArgumentOutOfRangeException(nameof(outputStride), outputStride, "Output stride must be 16 or 32.");
        Spec = spec;
        OutputStride = outputStride;
        conv1 = nn.Conv2d(3, 64, 7, stride: 2, padding: 3, bias: false);
        bn1 = new BatchNorm2dLayer(64);
        relu = nn.ReLU(inplace: true);
        maxpool = nn.MaxPool2d(3, stride: 2, padding: 1);
        long inplanes = 64;
        layer1 = MakeLayer(spec, ref inplanes, 64, spec.Layers[0], stride: 1, dilation: 1);
        layer2 = MakeLayer(spec, ref inplanes, 128, spec.Layers[1], stride: 2, dilation: 1);
        layer3 = MakeLayer(spec, ref inplanes, 256, spec.Layers[2], stride: 2, dilation: 1);
        layer4 = MakeLayer(spec, ref inplanes, 512, spec.Layers[3], stride: 2, dilation: outputStride == 16 ? 2 : 1);
        RegisterComponents();
        InitializeLikeTorchvision();
    }

    /// <summary>torchvision's _make_layer. The layer is laid out for <paramref name="stride"/> (so a
    /// downsample branch exists exactly where torchvision has one), then smp's dilation patch turns
    /// that stride into dilation.</summary>
    private static Sequential MakeLayer(ResNetSpec spec, ref long inplanes, long planes, int blocks, long stride, long dilation)
    {
        long convStride = dilation > 1 ? 1 : stride;
        long outChannels = planes * spec.Expansion;
        Downsample? downsample = null;
        if (stride != 1 || inplanes != outChannels) downsample = new Downsample(inplanes, outChannels, convStride, dilation);
        var layers = new List<nn.Module<Tensor, Tensor>> { MakeBlock(spec, inplanes, planes, convStride, dilation, downsample) };
        inplanes = outChannels;
        for (int i = 1; i < blocks; i++) layers.Add(MakeBlock(spec, inplanes, planes, 1, dilation, null));
        return nn.Sequential(layers);
    }

    private static nn.Module<Tensor, Tensor> MakeBlock(ResNetSpec spec, long inplanes, long planes, long stride, long dilation,
        Downsample? downsample) =>
        spec.Block == ResNetBlock.Basic
            ? new BasicBlock(inplanes, planes, stride, dilation, downsample)
            : new Bottleneck(inplanes, planes, stride, dilation, downsample);

    /// <summary>torchvision's ResNet.__init__ initialisation (kaiming normal, fan_out, relu; BN weight 1,
    /// bias 0), so that a model built without ImageNet weights starts where torchvision's would.</summary>
    private void InitializeLikeTorchvision()
    {
        using var noGrad = no_grad();
        foreach (var (_, module) in named_modules())
        {
            switch (module)
            {
                case Conv2d conv:
                    nn.init.kaiming_normal_(conv.weight, mode: nn.init.FanInOut.FanOut, nonlinearity: nn.init.NonlinearityType.ReLU);
                    break;
                case BatchNorm bn:
                    nn.init.ones_(bn.weight);
                    nn.init.zeros_(bn.bias);
                    break;
            }
        }
    }

    /// <summary>smp's six features: input, relu(bn1(conv1 x)) at 1/2, layer1 at 1/4, layer2 at 1/8,
    /// layer3 at 1/16 and layer4 at 1/16 (1/32 with output stride 32).</summary>
    public override Tensor[] forward(Tensor x)
    {
        var stem = relu.call(bn1.call(conv1.call(x)));
        var f1 = layer1.call(Perturbed(0, maxpool.call(stem)));
        f1 = Perturbed(1, f1);
        var f2 = Perturbed(2, layer2.call(f1));
        var f3 = Perturbed(3, layer3.call(f2));
        var f4 = Perturbed(4, layer4.call(f3));
        return [x, stem, f1, f2, f3, f4];
    }

    /// <summary>
    /// A domain-generalisation perturbation of feature statistics (MixStyle, DSU) that acts while the encoder trains, or
    /// null. Not a submodule and without parameters: state dicts and checkpoints are the same with or without it.
    /// </summary>
    public Generalisation.EncoderFeaturePerturbation? FeaturePerturbation { get; set; }

    private Tensor Perturbed(int position, Tensor features) =>
        training && FeaturePerturbation is { } perturbation ? perturbation.At(position, features) : features;
}
