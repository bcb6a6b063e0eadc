using static TorchSharp.torch;

namespace DesertSeg.Lab.Adaptation.Objectives;

/// <summary>
/// MinEnt (Vu et al., ADVENT, CVPR 2019): the mean over target pixels of the softmax entropy normalised by ln(classes),
/// times the weight; ADVENT's reference code computes -sum p log2 p / log2 C, the same number. Unlike FDA's term
/// (<see cref="FdaEntropy"/>) the entropy is penalised linearly, without the Charbonnier reweighting.
/// ADVENT also adds the entropy of an auxiliary (layer-3) head at weight 0.0002; this model has no auxiliary head, so
/// only the main term is kept.
/// </summary>
/// <param name="Weight">Factor of the term (ADVENT's LAMBDA_ENT_MAIN: 0.001).</param>
public sealed record MinimumEntropy(double Weight = 0.001) : TargetObjectiveConfig
{
    public override string Label => $"MinEnt (weight {Weight})";

    public override string Family => "entropy minimisation";

    public override ITargetObjective Create() => new Objective(this);

    /// <summary>Mean over pixels of -sum_c p log p / ln C, for logits N x C x H x W (0 for one-hot, 1 for uniform).</summary>
    public static Tensor NormalisedEntropy(Tensor logits)
    {
        using var scope = NewDisposeScope();
        var logp = nn.functional.log_softmax(logits, 1);
        return (-(logp.exp() * logp).sum(1) / Math.Log(logits.shape[1])).mean().MoveToOuterDisposeScope();
    }

    private sealed class Objective(MinimumEntropy config) : ITargetObjective
    {
        public Tensor Loss(TargetStep step) => NormalisedEntropy(step.StudentLogits) * config.Weight;
    }
}
