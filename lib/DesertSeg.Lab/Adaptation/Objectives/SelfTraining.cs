using DesertSeg.Lab.Data.Augmentation;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace DesertSeg.Lab.Adaptation.Objectives;

/// <summary>
/// Self-training as DACS (Tranheden et al., WACV 2021) and DAFormer (Hoyer et al., CVPR 2022) do it: the EMA teacher
/// labels the (clean) target batch; pseudo-labels are weighted by the share of pixels whose confidence exceeds the
/// threshold; ClassMix pastes half of each source image's classes onto its target partner; the mixed images get colour
/// jitter and blur; the student learns the mixed labels with a pixel-weighted cross-entropy (source pixels weight 1,
/// target pixels the pseudo-label weight); the jitter and blur are DACS's (<see cref="StrongAugmentation"/>). Rare-class
/// sampling of the source images, DAFormer's other ingredient, is a separate setting of the run
/// (<see cref="Training.RunConfig.RareClassSampling"/>).
/// </summary>
/// <param name="EmaAlpha">Teacher momentum (DAFormer: 0.999).</param>
/// <param name="ConfidenceThreshold">Pseudo-labels count as confident above this softmax probability (0.968).</param>
/// <param name="Weight">Factor of the mixed-image loss (DAFormer: 1).</param>
/// <param name="ColourJitter">Strength s of the brightness/contrast/saturation/hue jitter of mixed images (0.2).</param>
/// <param name="ColourJitterP">Probability of that jitter per image: 0.8 (DACS/DAFormer jitter when a uniform draw exceeds
/// their color_jitter_p = 0.2, i.e. four times in five).</param>
/// <param name="BlurP">Probability of a Gaussian blur (sigma 0.15..1.15) per mixed image (0.5).</param>
public sealed record SelfTraining(
    double EmaAlpha = 0.999,
    double ConfidenceThreshold = 0.968,
    double Weight = 1.0,
    double ColourJitter = 0.2,
    double ColourJitterP = 0.8,
    double BlurP = 0.5) : TargetObjectiveConfig
{
    public override string Label => "self-training (DACS)";

    public override double? TeacherAlpha => EmaAlpha;

    public override ITargetObjective Create() => new SelfTrainingObjective(this);
}

/// <summary>One step of <see cref="SelfTraining"/>.</summary>
public sealed class SelfTrainingObjective(SelfTraining config) : ITargetObjective
{
    private readonly SelfTraining _config = config;

    /// <summary>Pseudo-labels (argmax), and the confidence weight: the share of pixels above the threshold.</summary>
    public static (Tensor Labels, Tensor Weight) PseudoLabels(Tensor teacherLogits, double threshold)
    {
        using var scope = NewDisposeScope();
        var probabilities = F.softmax(teacherLogits, 1);
        var (confidence, labels) = probabilities.max(1);
        var weight = confidence.gt(threshold).to(ScalarType.Float32).mean();
        return (labels.MoveToOuterDisposeScope(), weight.MoveToOuterDisposeScope());
    }

    public Tensor Loss(TargetStep step)
    {
        var (pseudo, weight) = PseudoLabels(step.TeacherLogits, _config.ConfidenceThreshold);
        var source = step.Source;
        var target = step.Target;
        var random = step.Random;
        int n = (int)source.Images.shape[0];
        // ImageNet statistics, made once per step: the jitter works on 0..1 images.
        var mean = tensor(Normalization.ImageNet.Mean.Select(v => (float)v).ToArray(), device: target.device).view(3, 1, 1);
        var std = tensor(Normalization.ImageNet.Std.Select(v => (float)v).ToArray(), device: target.device).view(3, 1, 1);
        var mixedImages = new List<Tensor>(n);
        var mixedLabels = new List<Tensor>(n);
        var mixedWeights = new List<Tensor>(n);
        for (int i = 0; i < n; i++)
        {
            var label = source.Masks[i];
            var mask = ClassMix.Mask(label, ClassMix.ChooseClasses(label, random));
            var image = ClassMix.Mix(mask.unsqueeze(0), source.Images[i], target[i]);
            var strong = StrongAugmentation.Apply(image * std + mean, _config.ColourJitter, _config.ColourJitterP, _config.BlurP, random);
            mixedImages.Add((strong - mean) / std);
            mixedLabels.Add(where(mask.to(ScalarType.Bool), label, pseudo[i]));
            mixedWeights.Add(mask + (1 - mask) * weight);
        }
        var logits = step.Student.call(stack(mixedImages));
        return WeightedCrossEntropy(logits, stack(mixedLabels), stack(mixedWeights)) * _config.Weight;
    }

    /// <summary>Mean over pixels of weight * cross-entropy (pixels labelled 255 count with weight 0).</summary>
    public static Tensor WeightedCrossEntropy(Tensor logits, Tensor labels, Tensor weights)
    {
        using var scope = NewDisposeScope();
        var valid = labels.ne(255);
        var safe = where(valid, labels, zeros_like(labels));
        var ce = F.cross_entropy(logits, safe, reduction: nn.Reduction.None);
        return (ce * weights * valid.to(ScalarType.Float32)).mean().MoveToOuterDisposeScope();
    }
}
