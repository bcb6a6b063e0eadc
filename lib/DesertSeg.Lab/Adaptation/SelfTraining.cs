using DesertSeg.Lab.Data.Augmentation;
using DesertSeg.Lab.Data.Loading;
using DesertSeg.Lab.Models;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace DesertSeg.Lab.Adaptation;

/// <summary>Self-training as DACS and DAFormer do it.</summary>
/// <param name="EmaAlpha">Teacher momentum (DAFormer: 0.999).</param>
/// <param name="ConfidenceThreshold">Pseudo-labels count as confident above this softmax probability (0.968).</param>
/// <param name="Weight">Factor of the mixed-image loss (DAFormer: 1).</param>
/// <param name="ColourJitter">Strength of the brightness/contrast/saturation jitter of mixed images (0.2).</param>
/// <param name="ColourJitterP">Probability of that jitter per image (0.2).</param>
/// <param name="BlurP">Probability of a Gaussian blur (sigma 0.15..1.15) per mixed image (0.5).</param>
/// <param name="Mic">Masked-image consistency, or null (off).</param>
/// <param name="RareClassTemperature">Rare-class sampling of source images with this temperature (DAFormer: 0.01), or null (off).</param>
public sealed record SelfTraining(
    double EmaAlpha = 0.999,
    double ConfidenceThreshold = 0.968,
    double Weight = 1.0,
    double ColourJitter = 0.2,
    double ColourJitterP = 0.2,
    double BlurP = 0.5,
    MaskedImageConsistency? Mic = null,
    double? RareClassTemperature = 0.01);

/// <summary>MIC (Hoyer et al., CVPR 2023): the student predicts the teacher's pseudo-labels from target images with
/// random square blocks blanked out.</summary>
/// <param name="BlockSize">Side of a block in pixels at the model's input (MIC: 64 at 1024x512 crops).</param>
/// <param name="MaskRatio">Share of blocks blanked (0.7).</param>
/// <param name="Weight">Factor of the term (1).</param>
public sealed record MaskedImageConsistency(int BlockSize = 64, double MaskRatio = 0.7, double Weight = 1.0);

/// <summary>
/// One step of DACS/DAFormer self-training: the EMA teacher labels the (clean) target batch; pseudo-labels are
/// weighted by the share of pixels whose confidence exceeds the threshold; ClassMix pastes half of each source
/// image's classes onto its target partner; the mixed images get colour jitter and blur; the student learns the
/// mixed labels with a pixel-weighted cross-entropy (source pixels weight 1, target pixels the pseudo-label weight).
/// With MIC, the student also learns the pseudo-labels from block-masked target images.
/// </summary>
public sealed class SelfTrainingObjective : ITargetObjective
{
    private readonly SelfTraining _config;
    private readonly EmaTeacher _teacher;

    public SelfTrainingObjective(SelfTraining config, DeepLabV3Plus student)
    {
        _config = config;
        _teacher = new EmaTeacher(student, config.EmaAlpha);
    }

    public EmaTeacher Teacher => _teacher;

    /// <summary>Pseudo-labels (argmax), and the confidence weight: the share of pixels above the threshold.</summary>
    public static (Tensor Labels, Tensor Weight) PseudoLabels(Tensor teacherLogits, double threshold)
    {
        using var scope = NewDisposeScope();
        var probabilities = F.softmax(teacherLogits, 1);
        var (confidence, labels) = probabilities.max(1);
        var weight = confidence.gt(threshold).to(ScalarType.Float32).mean();
        return (labels.MoveToOuterDisposeScope(), weight.MoveToOuterDisposeScope());
    }

    public Tensor Loss(DeepLabV3Plus student, BatchTensors source, Tensor target, SampleRandom random)
    {
        Tensor pseudo, weight;
        using (no_grad())
        {
            var (labels, w) = PseudoLabels(_teacher.Model.call(target), _config.ConfidenceThreshold);
            pseudo = labels;
            weight = w;
        }
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
            mixedImages.Add(StrongAugmentation(image, mean, std, random));
            mixedLabels.Add(where(mask.to(ScalarType.Bool), label, pseudo[i]));
            mixedWeights.Add(mask + (1 - mask) * weight);
        }
        var logits = student.call(stack(mixedImages));
        var loss = WeightedCrossEntropy(logits, stack(mixedLabels), stack(mixedWeights)) * _config.Weight;
        if (_config.Mic is { } mic)
        {
            var masked = target * BlockMask(target.shape, mic, random, target.device);
            var micWeights = weight.expand(pseudo.shape);
            loss = loss + WeightedCrossEntropy(student.call(masked), pseudo, micWeights) * mic.Weight;
        }
        return loss;
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

    /// <summary>DACS's strong augmentation of a mixed image (normalised, 3 x H x W): colour jitter, then Gaussian blur.</summary>
    private Tensor StrongAugmentation(Tensor image, Tensor mean, Tensor std, SampleRandom random)
    {
        var x = image * std + mean; // 0..1
        if (random.Chance(_config.ColourJitterP))
        {
            double s = _config.ColourJitter;
            x = x * random.Uniform(1 - s, 1 + s);
            var grey = (x[0] * 0.299 + x[1] * 0.587 + x[2] * 0.114).unsqueeze(0);
            x = (x - grey.mean()) * random.Uniform(1 - s, 1 + s) + grey.mean();
            grey = (x[0] * 0.299 + x[1] * 0.587 + x[2] * 0.114).unsqueeze(0);
            x = (x - grey) * random.Uniform(1 - s, 1 + s) + grey;
            x = x.clamp(0, 1);
        }
        if (random.Chance(_config.BlurP))
            x = GaussianBlur(x, random.Uniform(0.15, 1.15));
        return (x - mean) / std;
    }

    private static Tensor GaussianBlur(Tensor chw, double sigma)
    {
        int radius = Math.Max(1, (int)Math.Ceiling(2 * sigma));
        var k = Enumerable.Range(-radius, 2 * radius + 1).Select(i => (float)Math.Exp(-i * i / (2 * sigma * sigma))).ToArray();
        float sum = k.Sum();
        var kernel = tensor(k.Select(v => v / sum).ToArray(), device: chw.device);
        var x = chw.unsqueeze(0);
        x = F.pad(x, [radius, radius, radius, radius], TorchSharp.PaddingModes.Reflect);
        x = F.conv2d(x, kernel.view(1, 1, 1, -1).expand(3, 1, 1, -1), groups: 3);
        x = F.conv2d(x, kernel.view(1, 1, -1, 1).expand(3, 1, -1, 1), groups: 3);
        return x.squeeze(0);
    }

    public void AfterStep(DeepLabV3Plus student, long step) => _teacher.Update(student, step);

    public void Save(string folder) => _teacher.Save(Path.Combine(folder, "teacher.safetensors"));

    public void Load(string folder) => _teacher.Load(Path.Combine(folder, "teacher.safetensors"));

    public void Dispose() => _teacher.Dispose();
}
