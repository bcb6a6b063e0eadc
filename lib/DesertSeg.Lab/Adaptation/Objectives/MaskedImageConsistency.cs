using DesertSeg.Lab.Data.Augmentation;
using static TorchSharp.torch;

namespace DesertSeg.Lab.Adaptation.Objectives;

/// <summary>
/// MIC (Hoyer et al., CVPR 2023): the student predicts the mean teacher's pseudo-labels (on the clean target image)
/// from the target image with random square blocks blanked out, each pixel weighted by the share of confident
/// pseudo-labels. A plug-in like in MIC's reference code: it adds to any other target objective (self-training, MinEnt)
/// and shares the run's one mean teacher. As MIC's default mask mode (<c>separatetrgaug</c>), the target image first gets
/// DACS's strong augmentation (colour jitter and blur, <see cref="StrongAugmentation"/>, with draws of its own) and is
/// masked after it, so blanked blocks are exactly the normalised mean colour (0); before issue 30 the clean image was
/// masked.
/// </summary>
/// <param name="BlockSize">Side of a block in pixels at the model's input (MIC: 64 at 1024x512 crops).</param>
/// <param name="MaskRatio">Share of blocks blanked (0.7).</param>
/// <param name="Weight">Factor of the term (1).</param>
/// <param name="EmaAlpha">Momentum of the mean teacher (0.999, as DAFormer's).</param>
/// <param name="ConfidenceThreshold">Pseudo-labels count as confident above this softmax probability (0.968).</param>
/// <param name="ColourJitter">Strength of the target image's colour jitter before masking (DACS's 0.2).</param>
/// <param name="ColourJitterP">Probability of that jitter per image (0.8, as <see cref="SelfTraining"/>).</param>
/// <param name="BlurP">Probability of its Gaussian blur per image (0.5).</param>
public sealed record MaskedImageConsistency(
    int BlockSize = 64,
    double MaskRatio = 0.7,
    double Weight = 1.0,
    double EmaAlpha = 0.999,
    double ConfidenceThreshold = 0.968,
    double ColourJitter = 0.2,
    double ColourJitterP = 0.8,
    double BlurP = 0.5) : TargetObjectiveConfig
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

    /// <summary>The student's input: each normalised target image strong-augmented, then blanked in blocks (N x 3 x H x W,
    /// in the caller's dispose scope).</summary>
    public static Tensor MaskedInput(Tensor target, MaskedImageConsistency mic, SampleRandom random)
    {
        var mean = tensor(Normalization.ImageNet.Mean.Select(v => (float)v).ToArray(), device: target.device).view(3, 1, 1);
        var std = tensor(Normalization.ImageNet.Std.Select(v => (float)v).ToArray(), device: target.device).view(3, 1, 1);
        var augmented = stack(Enumerable.Range(0, (int)target.shape[0]).Select(i =>
            (StrongAugmentation.Apply(target[i] * std + mean, mic.ColourJitter, mic.ColourJitterP, mic.BlurP, random) - mean) / std));
        return augmented * BlockMask(target.shape, mic, random, target.device);
    }

    private sealed class Objective(MaskedImageConsistency config) : ITargetObjective
    {
        public Tensor Loss(TargetStep step)
        {
            var (pseudo, weight) = SelfTrainingObjective.PseudoLabels(step.TeacherLogits, config.ConfidenceThreshold);
            var masked = MaskedInput(step.Target, config, step.Random);
            var logits = step.Student.call(masked);
            return SelfTrainingObjective.WeightedCrossEntropy(logits, pseudo, weight.expand(pseudo.shape)) * config.Weight;
        }
    }
}
