using TorchSharp;
using DesertSeg.Lab.Checkpoints;
using DesertSeg.Lab.Models;
using static TorchSharp.torch;

namespace DesertSeg.Lab.Adaptation.Objectives;

/// <summary>
/// The mean teacher of DACS and DAFormer: a copy of the student whose weights follow the student's as an
/// exponential moving average, teacher = alpha_t * teacher + (1 - alpha_t) * student after the student's t-th optimizer
/// step (t from 1) with alpha_t = min(1 - 1 / (t + 1), alpha): DAFormer's <c>_update_ema(local_iter)</c>, called at the
/// start of iteration local_iter = t, after t steps, so its first update takes alpha 0.5 and the teacher is the plain
/// mean of the students 0..t (the initial copy included) until the cap. Only parameters are averaged; like DAFormer's
/// teacher, which runs in train mode, this one's BatchNorm layers normalise with the statistics of the batch it labels
/// (the target batch), and its dropout is off, as <c>dacs.py</c> switches the teacher's dropout and drop-path off.
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

    /// <summary>The factor of the teacher's own weights in the update after <paramref name="stepsTaken"/> optimizer steps
    /// (from 1).</summary>
    public double AlphaAt(long stepsTaken)
    {
        if (stepsTaken < 1) throw new ArgumentOutOfRangeException(nameof(stepsTaken), "The teacher follows the student after a step (t >= 1).");
        return Math.Min(1 - 1.0 / (stepsTaken + 1), Alpha);
    }

    /// <summary>Moves the teacher toward <paramref name="student"/> after its <paramref name="stepsTaken"/>-th optimizer step.</summary>
    public void Update(DeepLabV3Plus student, long stepsTaken)
    {
        double a = AlphaAt(stepsTaken);
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
