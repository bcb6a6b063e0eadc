using DesertSeg.Lab.Inference;
using static TorchSharp.torch;

namespace DesertSeg.Lab.Adaptation;

/// <summary>
/// Adapts a trained checkpoint to the target images after training (a <see cref="TestTimeMethod"/>) and writes the
/// result as an <see cref="AdaptedCheckpoint"/>. Everything is checked (checkpoint, target folder) before the model
/// changes, and the output is written atomically at the end, so a failure leaves no file behind.
/// </summary>
public static class TestTimeAdaptation
{
    /// <returns>A one-line description of what was done, and the record written into the checkpoint.</returns>
    public static (string Label, AdaptationRecord Record) Adapt(string checkpoint, TestTimeMethod method, TargetImages target,
        string outFile, Device? device = null, bool transductive = false, CancellationToken cancellation = default,
        IProgress<int>? progress = null)
    {
        using var predictor = Predictor.Load(checkpoint, device: device);
        string label = method.Adapt(predictor.Model, target, predictor.Height, predictor.Width, predictor.Device, cancellation, progress);
        var record = AdaptedCheckpoint.RecordFor(predictor.Source, label, target, transductive);
        AdaptedCheckpoint.Write(predictor.Model, outFile, record);
        return (label, record);
    }
}
