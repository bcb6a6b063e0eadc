using DesertSeg.Lab.Models.Decoders;
using DesertSeg.Lab.Models.Encoders;
using DesertSeg.Lab.Models.Heads;
using TorchSharp;
using static TorchSharp.torch;

namespace DesertSeg.Lab.Models;

/// <summary>DeepLabV3+ exactly as segmentation_models_pytorch 0.3.3 builds it: ResNet encoder at output
/// stride 16, separable ASPP decoder with the 48-channel high-resolution branch, 1x1 head and x4
/// bilinear upsampling. State-dict names equal smp's, so smp checkpoints load unchanged
/// (see <see cref="Checkpoints.ModelCheckpoints"/>).</summary>
/// <remarks>Decoder and head keep TorchSharp's default initialisation, which is PyTorch's (smp 0.3.3's
/// DeepLabV3Plus never calls its initialize()); the encoder is initialised as torchvision does.</remarks>
public sealed class DeepLabV3Plus : nn.Module<Tensor, Tensor>
{
    private readonly ResNetEncoder encoder;
    private readonly DeepLabV3PlusDecoder decoder;
    private readonly SegmentationHead segmentation_head;

    /// <summary>What this model was built from.</summary>
    public ModelConfig Config { get; }

    /// <summary>The ResNet encoder (state-dict prefix "encoder.").</summary>
    public ResNetEncoder Encoder => encoder;

    /// <summary>The decoder (prefix "decoder.").</summary>
    public DeepLabV3PlusDecoder Decoder => decoder;

    /// <summary>The head (prefix "segmentation_head.").</summary>
    public SegmentationHead SegmentationHead => segmentation_head;

    /// <summary>State-dict prefixes of the three parts, in smp's order.</summary>
    public static readonly string EncoderPrefix = "encoder.", DecoderPrefix = "decoder.", HeadPrefix = "segmentation_head.";

    private DeepLabV3Plus(ModelConfig config) : base(nameof(DeepLabV3Plus))
    {
        if (config.Classes < 1) throw new ArgumentException($"Classes must be at least 1, got {config.Classes}.", nameof(config));
        Config = config;
        encoder = new ResNetEncoder(ResNetSpec.Get(config.Encoder));
        decoder = new DeepLabV3PlusDecoder(encoder.OutChannels, ModelConfig.DecoderChannels, config.AtrousRates);
        segmentation_head = new SegmentationHead(decoder.OutChannels, config.Classes);
        RegisterComponents();
    }

    /// <summary>Builds the model on the CPU in train mode, like <c>smp.DeepLabV3Plus(encoder, classes=...)</c>
    /// with encoder_weights=None. Bring ImageNet weights with
    /// <see cref="Checkpoints.ModelCheckpoints.LoadEncoderFromTorchvision"/>.</summary>
    public static DeepLabV3Plus Create(ModelConfig config)
    {
        Devices.LibTorchSwitches.EnsureApplied();
        return new(config);
    }

    /// <summary>Logits N x Classes x H x W for images N x 3 x H x W.</summary>
    /// <exception cref="ArgumentException">The input is not 4-D with 3 channels, or H or W is not a multiple of 16.</exception>
    public override Tensor forward(Tensor x)
    {
        CheckInputShape(x.shape);
        using var scope = NewDisposeScope();
        var features = encoder.call(x);
        var decoded = decoder.call(features);
        return segmentation_head.call(decoded).MoveToOuterDisposeScope();
    }

    /// <summary>Throws unless <paramref name="shape"/> is N x 3 x H x W with H and W multiples of 16,
    /// which the decoder's x4 upsampling of 1/16 features needs to meet the 1/4 features exactly.</summary>
    public static void CheckInputShape(long[] shape)
    {
        string text = $"[{string.Join(", ", shape)}]";
        if (shape.Length != 4 || shape[1] != 3)
            throw new ArgumentException($"Expected an image batch of shape N x 3 x H x W, got {text}.", nameof(shape));
        long h = shape[2], w = shape[3], s = ModelConfig.OutputStride;
        if (h % s != 0 || w % s != 0 || h == 0 || w == 0)
        {
            long nh = Math.Max(s, (h + s - 1) / s * s), nw = Math.Max(s, (w + s - 1) / s * s);
            throw new ArgumentException(
                $"Input shape {text}: height {h} and width {w} must both be multiples of {s} " +
                $"(the encoder's output stride). Resize or pad to {nh} x {nw}.", nameof(shape));
        }
    }
}
