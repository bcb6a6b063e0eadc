using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace DesertSeg.Lab.Losses;

/// <summary>
/// Online hard example mining for the cross-entropy term, as MMSegmentation's OHEMPixelSampler defines it:
/// a pixel is kept when the softmax probability of its true class is below a threshold, where the
/// threshold is raised, if needed, so that at least <see cref="MinKeptFraction"/> of the batch's labelled
/// pixels are kept (the hardest ones). As in MMSegmentation's reference code, the sampler's output is a per-pixel
/// weight (1 kept, 0 not) and the loss is the mean over ALL pixels of class weight x kept weight x cross-entropy
/// (CrossEntropyLoss with reduction 'mean' and no avg_factor): unkept and ignored pixels count as zeros in the mean,
/// and class weights scale pixels without normalising by their sum.
/// </summary>
/// <param name="Threshold">Probability below which a pixel is hard (MMSegmentation's thresh 0.7).</param>
/// <param name="MinKeptFraction">Share of labelled pixels always kept: MMSegmentation's min_kept 100,000 per
/// 512x1024 crop, about 19%, expressed as a share so that it means the same at every input size.</param>
public sealed record OhemConfig(double Threshold = 0.7, double MinKeptFraction = 0.19);

/// <summary>Class-weighted cross-entropy of the hard pixels that <see cref="OhemConfig"/> selects, averaged over every pixel.</summary>
public sealed class OhemCrossEntropyLoss : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly OhemConfig _config;
    private readonly Tensor? weight;

    public OhemCrossEntropyLoss(OhemConfig config, IReadOnlyList<double>? classWeights = null) : base(nameof(OhemCrossEntropyLoss))
    {
        _config = config;
        weight = classWeights is null ? null : tensor(classWeights.Select(w => (float)w).ToArray(),
            device: CPU); // a buffer: .to(device) moves it
        RegisterComponents();
    }

    /// <summary>The target with every pixel that is not hard set to ignore (255).</summary>
    public Tensor HardTarget(Tensor logits, Tensor target)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var valid = target.ne(WeightedCrossEntropyLoss.IgnoreIndex);
        var safeTarget = target.masked_fill(valid.logical_not(), 0);
        var trueProb = F.softmax(logits, 1).gather(1, safeTarget.unsqueeze(1)).squeeze(1);
        var validProb = trueProb.masked_select(valid);
        long n = validProb.numel();
        if (n == 0) return target.clone().MoveToOuterDisposeScope();
        long minKept = (long)Math.Ceiling(_config.MinKeptFraction * n);
        // The probability of the minKept-th hardest pixel, if it is above the threshold, becomes the threshold.
        var threshold = validProb.sort().Values[Math.Min(minKept, n - 1)].clamp_min(_config.Threshold);
        var hard = valid.logical_and(trueProb.lt(threshold));
        return target.masked_fill(hard.logical_not(), WeightedCrossEntropyLoss.IgnoreIndex).MoveToOuterDisposeScope();
    }

    public override Tensor forward(Tensor logits, Tensor target)
    {
        using var scope = NewDisposeScope();
        var hardTarget = HardTarget(logits, target);
        var perPixel = F.cross_entropy(logits, hardTarget, weight: weight, ignore_index: WeightedCrossEntropyLoss.IgnoreIndex,
            reduction: nn.Reduction.None);
        return perPixel.mean().MoveToOuterDisposeScope();
    }
}
