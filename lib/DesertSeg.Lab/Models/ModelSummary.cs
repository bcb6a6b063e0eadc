using TorchSharp;
using static TorchSharp.torch;

namespace DesertSeg.Lab.Models;

/// <summary>Parameter counts per part of a <see cref="DeepLabV3Plus"/> and the size of its state dict.</summary>
/// <param name="Config">The model's configuration.</param>
/// <param name="EncoderParameters">Parameters under "encoder.".</param>
/// <param name="DecoderParameters">Parameters under "decoder.".</param>
/// <param name="HeadParameters">Parameters under "segmentation_head.".</param>
/// <param name="BufferElements">BatchNorm running statistics and counters (not trained, but saved).</param>
/// <param name="StateDictBytes">Bytes of every parameter and buffer: what a checkpoint's tensors take.</param>
public sealed record ModelSummary(
    ModelConfig Config,
    long EncoderParameters,
    long DecoderParameters,
    long HeadParameters,
    long BufferElements,
    long StateDictBytes)
{
    /// <summary>All parameters (the report's 45,671,255 for ResNet-101 / 7 classes).</summary>
    public long TotalParameters => EncoderParameters + DecoderParameters + HeadParameters;

    /// <summary>State-dict size in MB (10^6 bytes), comparable to the ~183 MB of the released checkpoint.</summary>
    public double SizeMB => StateDictBytes / 1e6;

    /// <summary>Counts the parameters of <paramref name="model"/> by part.</summary>
    public static ModelSummary Of(DeepLabV3Plus model)
    {
        long encoder = 0, decoder = 0, head = 0, bytes = 0, buffers = 0;
        foreach (var (name, p) in model.named_parameters())
        {
            bytes += p.NumberOfElements * p.ElementSize;
            if (name.StartsWith(DeepLabV3Plus.EncoderPrefix, StringComparison.Ordinal)) encoder += p.NumberOfElements;
            else if (name.StartsWith(DeepLabV3Plus.DecoderPrefix, StringComparison.Ordinal)) decoder += p.NumberOfElements;
            else head += p.NumberOfElements;
        }
        foreach (var (_, b) in model.named_buffers())
        {
            buffers += b.NumberOfElements;
            bytes += b.NumberOfElements * b.ElementSize;
        }
        return new ModelSummary(model.Config, encoder, decoder, head, buffers, bytes);
    }

    /// <summary>A small text table, one part a line.</summary>
    public override string ToString() =>
        $"DeepLabV3+ {Config.Encoder}, {Config.Classes} classes, ASPP rates {Config.AtrousRates}\n" +
        $"  encoder  {EncoderParameters,12:N0}\n" +
        $"  decoder  {DecoderParameters,12:N0}\n" +
        $"  head     {HeadParameters,12:N0}\n" +
        $"  total    {TotalParameters,12:N0} parameters, {SizeMB:F1} MB as float32 with BN buffers";
}
