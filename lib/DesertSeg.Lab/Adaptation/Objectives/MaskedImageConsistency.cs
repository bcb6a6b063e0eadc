using DesertSeg.Lab.Data.Augmentation;
using static TorchSharp.torch;

namespace DesertSeg.Lab.Adaptation.Objectives;

/// <summary>
/// MIC (Hoyer et al., CVPR 2023): the student predicts the mean teacher's pseudo-labels (on the clean target image)
/// from the target image with random square blocks blanked out, each pixel weighted by the share of confident
/// pseudo-labels. A plug-in like in MIC's reference code: it adds to any other target objective (self-training, MinEnt)
/// and shares the run's one mean teacher.
/// </summary>
/// <param name="BlockSize">Side of a block in pixels at the model's input (MIC: 64 at 1024x512 crops).</param>
/// <param name="MaskRatio">Share of blocks blanked (0.7).</param>
/// <param name="Weight">Factor of the term (1).</param>
/// <param name="EmaAlpha">Momentum of the mean teacher (0.999, as DAFormer's).</param>
/// <param name="ConfidenceThreshold">Pseudo-labels count as confident above this softmax probability (0.968).</param>
public sealed record MaskedImageConsistency(
    int BlockSize = 64,
    double MaskRatio = 0.7,
    double Weight = 1.0,
    double EmaAlpha = 0.999,
    double ConfidenceThreshold = 0.968) : TargetObjectiveConfig
{
    public override string Label => $"MIC (blocks {BlockSize} px, ratio {MaskRatio})";

    public override double? TeacherAlpha => EmaAlpha;

    public override ITargetObjective Create() => new Objective(this);

    /// <summary>1 outside, 0 inside the blanked blocks: each BlockSize square of the image is blanked with probability MaskRatio.</summary>
    public static Tensor BlockMask(long[] shape, MaskedImageConsistency mic, SampleRandom random, Device device)
    {
        long n = shape[0], h = shape[2], w = shape[3];
        long bh = (h + mic.BlockSize - 1) / mic.BlockSize, bw = (w + mic.BlockSize - 1) / mic.BlockSize;
        var keep = new float[n * bh * bw];
        for (int i = 0; i < keep.Length; i++) keep[i] = random.Chance(mic.MaskRatio) ? 0 : 1;
        using var blocks = tensor(keep, [n, 1, bh, bw], device: CPU);
        using var full = blocks.repeat_interleave(mic.BlockSize, 2).repeat_interleave(mic.BlockSize, 3);
        return full[.., .., ..(int)h, ..(int)w].to(device);
    }

    private sealed class Objective(MaskedImageConsistency config) : ITargetObjective
    {
        public Tensor Loss(TargetStep step)
        {
            var (pseudo, weight) = SelfTrainingObjective.PseudoLabels(step.TeacherLogits, config.ConfidenceThreshold);
            var masked = step.Target * BlockMask(step.Target.shape, config, step.Random, step.Target.device);
            var logits = step.Student.call(masked);
            return SelfTrainingObjective.WeightedCrossEntropy(logits, pseudo, weight.expand(pseudo.shape)) * config.Weight;
        }
    }
}
