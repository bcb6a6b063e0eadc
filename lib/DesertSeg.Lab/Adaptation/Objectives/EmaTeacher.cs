using TorchSharp;
using DesertSeg.Lab.Checkpoints;
using DesertSeg.Lab.Models;
using static TorchSharp.torch;

namespace DesertSeg.Lab.Adaptation.Objectives;

/// <summary>
/// The mean teacher of DACS and DAFormer: a copy of the student whose weights follow the student's as an
/// exponential moving average, teacher = alpha_t * teacher + (1 - alpha_t) * student with
/// alpha_t = min(1 - 1 / (t + 1), alpha), so that it tracks the student closely in the first steps (DAFormer's
/// _update_ema). Only parameters are averaged; like DAFormer's teacher, which runs in train mode, this one's BatchNorm
/// layers normalise with the statistics of the batch it labels (the target batch), and dropout is off (DAFormer's
/// teacher keeps its decoder dropout on; the pseudo-labels here are deterministic).
/// With few steps (a quick run has tens) alpha_t stays well below its cap, so the teacher is close to the running
/// average of the student's weights: the reference formula at a short schedule, not a different one.
/// </summary>
public sealed class EmaTeacher : IDisposable
{
    public EmaTeacher(DeepLabV3Plus student, double alpha)
    {
        if (alpha is < 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(alpha), $"alpha must be in [0, 1), got {alpha}.");
        Alpha = alpha;
        Model = DeepLabV3Plus.Create(student.Config);
        var device = student.parameters().First().device;
        Model.to(device);
        Copy(student);
        Adaptation.BatchNormLayers.UseBatchStatistics(Model);
    }

    public DeepLabV3Plus Model { get; }
    public double Alpha { get; }

    /// <summary>The factor of the teacher's own weights at step <paramref name="step"/> (from 0).</summary>
    public double AlphaAt(long step) => Math.Min(1 - 1.0 / (step + 1), Alpha);

    public void Update(DeepLabV3Plus student, long step)
    {
        double a = AlphaAt(step);
        using var _ = no_grad();
        foreach (var (t, s) in Model.parameters().Zip(student.parameters())) t.mul_(a).add_(s, alpha: 1 - a);
    }

    private void Copy(DeepLabV3Plus student)
    {
        using var _ = no_grad();
        foreach (var (t, s) in Model.parameters().Zip(student.parameters())) t.copy_(s);
        foreach (var (t, s) in Model.buffers().Zip(student.buffers())) t.copy_(s);
    }

    public void Save(string file) => Model.ExportSafetensors(file);

    public void Load(string file)
    {
        Model.LoadSmpCheckpoint(file);
        Adaptation.BatchNormLayers.UseBatchStatistics(Model);
    }

    public void Dispose() => Model.Dispose();
}
