using DesertSeg.Lab.Inference;
using static TorchSharp.torch;

namespace DesertSeg.Lab.Adaptation;

/// <summary>
/// Adapts a trained checkpoint to the target images after training (AdaBN or TENT) and writes the result as an
/// <see cref="AdaptedCheckpoint"/>. Everything is checked (checkpoint, method, target folder) before the model changes,
/// and the output is written atomically at the end, so a failure leaves no file behind.
/// </summary>
public static class TestTimeAdaptation
{
    public static readonly string[] Methods = ["adabn", "tent"];

    /// <returns>A one-line description of what was done, and the record written into the checkpoint.</returns>
    public static (string Label, AdaptationRecord Record) Adapt(string checkpoint, string method, TargetImages target, string outFile,
        Device? device = null, bool transductive = false, TentConfig? tent = null, CancellationToken cancellation = default)
    {
        method = method.Trim().ToLowerInvariant();
        if (!Methods.Contains(method))
            throw new ArgumentException($"Unknown test-time method '{method}'. Test-time methods: {string.Join(", ", Methods)}; " +
                $"training-time methods are runs: {string.Join(", ", Training.PhaseCatalog.AdaptationRuns)} (train --phase NAME).");
        using var predictor = Predictor.Load(checkpoint, device: device);
        var model = predictor.Model;
        string label;
        if (method == "adabn")
        {
            AdaptiveBatchNorm.Adapt(model, target, predictor.Height, predictor.Width, predictor.Device, cancellation: cancellation);
            label = $"AdaBN on {target.Count} target images";
        }
        else
        {
            tent ??= new TentConfig();
            var entropy = Tent.Adapt(model, target, predictor.Height, predictor.Width, predictor.Device, tent, cancellation);
            label = $"TENT on {target.Count} target images ({entropy.Count} steps, entropy {entropy[0]:F3} -> {entropy[^1]:F3})";
        }
        var record = AdaptedCheckpoint.RecordFor(predictor.Source, label, target, transductive);
        AdaptedCheckpoint.Write(model, outFile, record);
        return (label, record);
    }
}
