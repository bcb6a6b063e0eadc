using System.Text.Json;
using DesertSeg.Lab.Checkpoints;
using DesertSeg.Lab.Inference;
using DesertSeg.Lab.Models;

namespace DesertSeg.Lab.Adaptation;

/// <summary>What an adapted checkpoint says about itself: the model's input and classes, the checkpoint it was adapted
/// from, the method, and the target images (transductive when they may include scored images).</summary>
public sealed record AdaptationRecord(string Encoder, int Classes, string Scheme, int Height, int Width,
    string SourceCheckpoint, string Method, string Target, bool Transductive);

/// <summary>
/// Checkpoints written by <c>desertseg adapt</c>: an ordinary smp safetensors file (PyTorch loads it) whose header
/// metadata carries an <see cref="AdaptationRecord"/>, so that <c>predict</c>, <c>eval</c> and <c>bench</c> run it at the
/// input size and class scheme of the model it came from, with no run folder beside it.
/// </summary>
public static class AdaptedCheckpoint
{
    public const string MetadataKey = "desertseg.adaptation";

    public static void Write(DeepLabV3Plus model, string path, AdaptationRecord record) =>
        model.ExportSafetensors(path, new Dictionary<string, string> { [MetadataKey] = JsonSerializer.Serialize(record) });

    /// <summary>The record of an adapted checkpoint, or null for any other file.</summary>
    public static AdaptationRecord? Read(string path)
    {
        if (!File.Exists(path) || !SafetensorsFile.LooksLikeSafetensors(path)) return null;
        return SafetensorsFile.ReadMetadata(path).TryGetValue(MetadataKey, out var json)
            ? JsonSerializer.Deserialize<AdaptationRecord>(json)
            : null;
    }

    public static AdaptationRecord RecordFor(ModelSource source, string method, TargetImages target, bool transductive) =>
        new(source.Model.Encoder, source.Model.Classes, source.Scheme.Name, source.Height, source.Width, source.Checkpoint, method,
            $"{target.Folder} ({target.Count} images, {target.Fingerprint})", transductive);
}
