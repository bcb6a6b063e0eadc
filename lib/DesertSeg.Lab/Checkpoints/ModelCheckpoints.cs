using DesertSeg.Lab.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace DesertSeg.Lab.Checkpoints;

/// <summary>Loading and saving <see cref="DeepLabV3Plus"/> weights in smp's and torchvision's names.</summary>
public static class ModelCheckpoints
{
    /// <summary>torchvision's classifier, which smp's encoder deletes.</summary>
    public const string TorchvisionClassifierPrefix = "fc.";

    /// <summary>Loads an smp DeepLabV3Plus state dict already in memory.</summary>
    /// <param name="strict">Throw (and leave the model untouched) unless names, shapes and dtypes match exactly.</param>
    public static LoadReport LoadSmpStateDict(this DeepLabV3Plus model, IReadOnlyDictionary<string, Tensor> stateDict,
        bool strict = true, string source = "state dict") =>
        StateDictLoader.Load(model, stateDict, source, strict: strict, what: DescribeCheckpoint(model));

    /// <summary>Loads an smp DeepLabV3Plus checkpoint: a torch.save'd state dict (.pth/.pt, also nested
    /// under 'state_dict', 'model_state_dict' or 'model', also with DataParallel's "module." prefix) or a
    /// .safetensors file.</summary>
    public static LoadReport LoadSmpCheckpoint(this DeepLabV3Plus model, string path, bool strict = true)
    {
        using var stateDict = StateDict.Load(path);
        return model.LoadSmpStateDict(stateDict, strict, path);
    }

    /// <summary>Initialises the encoder from a torchvision ResNet checkpoint (ImageNet weights, keys
    /// conv1.*, bn1.*, layer1-4.*, fc.*), as smp does with encoder_weights="imagenet". fc.* is reported
    /// as excluded; every other key must match the encoder exactly. Decoder and head are not touched.</summary>
    public static LoadReport LoadEncoderFromTorchvision(this DeepLabV3Plus model, string path)
    {
        using var stateDict = StateDict.Load(path);
        if (stateDict.Keys.Any(k => k.StartsWith(DeepLabV3Plus.EncoderPrefix, StringComparison.Ordinal)))
        {
            throw new CheckpointException(path,
                "has keys starting with 'encoder.': it is a segmentation checkpoint, not a torchvision ResNet. " +
                "Load it with LoadSmpCheckpoint or TransferFrom.");
        }
        var renamed = stateDict.ToDictionary(
            kv => kv.Key.StartsWith(TorchvisionClassifierPrefix, StringComparison.Ordinal) ? kv.Key : DeepLabV3Plus.EncoderPrefix + kv.Key,
            kv => kv.Value);
        return StateDictLoader.Load(model, renamed, path,
            isExcluded: k => k.StartsWith(TorchvisionClassifierPrefix, StringComparison.Ordinal)
                             || k.StartsWith(DeepLabV3Plus.DecoderPrefix, StringComparison.Ordinal)
                             || k.StartsWith(DeepLabV3Plus.HeadPrefix, StringComparison.Ordinal),
            strict: true, what: $"torchvision {model.Config.Encoder}");
    }

    /// <summary>Loads every tensor of an smp checkpoint except those under the excluded module prefixes
    /// (by default the head), e.g. Phase 3's 10-class model into Phase 5's 7-class one. Everything not
    /// excluded must match exactly; the excluded keys are listed in the report.</summary>
    /// <param name="exclude">Module names such as "segmentation_head" or "decoder.block2".</param>
    public static LoadReport TransferFrom(this DeepLabV3Plus model, string path, params string[] exclude)
    {
        if (exclude.Length == 0) exclude = ["segmentation_head"];
        var prefixes = exclude.Select(e => e.TrimEnd('.') + ".").ToArray();
        using var stateDict = StateDict.Load(path);
        return StateDictLoader.Load(model, stateDict, path,
            isExcluded: k => prefixes.Any(p => k.StartsWith(p, StringComparison.Ordinal)),
            strict: true, what: DescribeCheckpoint(model) + $" (excluding {string.Join(", ", exclude)})");
    }

    /// <summary>Writes the model's state dict as .safetensors with smp's names, dtypes and order (BN buffers,
    /// num_batches_tracked as int64, included), so that smp loads it with load_state_dict(strict=True).
    /// The write is atomic.</summary>
    public static void ExportSafetensors(this nn.Module model, string path, IReadOnlyDictionary<string, string>? metadata = null) =>
        SafetensorsFile.Write(path, StateDictOrder.Of(model), metadata);

    private static string DescribeCheckpoint(DeepLabV3Plus model) =>
        $"smp DeepLabV3Plus({model.Config.Encoder}, classes={model.Config.Classes})";
}
