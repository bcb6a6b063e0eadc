namespace DesertSeg.Lab.Models;

/// <summary>ASPP dilation rates of the three separable 3x3 branches.</summary>
/// <remarks>The original code uses smp's default (12, 24, 36); the report's architecture figure
/// says (6, 12, 18). Both are selectable; the code's rates are the default.</remarks>
public readonly record struct AtrousRates(int Low, int Mid, int High)
{
    /// <summary>smp 0.3.3's default and what the original code trained with.</summary>
    public static AtrousRates Code => new(12, 24, 36);

    /// <summary>The rates drawn in the report's architecture figure (never trained).</summary>
    public static AtrousRates ReportFigure => new(6, 12, 18);

    public override string ToString() => $"({Low}, {Mid}, {High})";
}

/// <summary>What <see cref="DeepLabV3Plus.Create"/> builds: smp 0.3.3
/// <c>DeepLabV3Plus(encoder_name=Encoder, classes=Classes)</c> with every other argument at its default
/// (encoder_output_stride 16, decoder_channels 256, upsampling 4, in_channels 3).</summary>
/// <param name="Encoder">"resnet18", "resnet34", "resnet50" or "resnet101".</param>
/// <param name="Classes">Output channels of the head (7 for Phase 5, 10 for Phase 3).</param>
/// <param name="Rates">ASPP rates; null means <see cref="AtrousRates.Code"/>.</param>
public sealed record ModelConfig(string Encoder = "resnet101", int Classes = 7, AtrousRates? Rates = null)
{
    /// <summary>Channels of every decoder feature map (smp's decoder_channels).</summary>
    public const int DecoderChannels = 256;

    /// <summary>Input sides must be multiples of this (encoder output stride 16).</summary>
    public const int OutputStride = 16;

    /// <summary>The ASPP rates in effect.</summary>
    public AtrousRates AtrousRates => Rates ?? AtrousRates.Code;

    /// <summary>The report's final model: ResNet-101, 7 classes.</summary>
    public static ModelConfig Report => new("resnet101", 7);
}
