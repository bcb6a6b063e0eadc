using static TorchSharp.torch;

namespace DesertSeg.Lab.Adaptation.Objectives;

/// <summary>
/// FDA's entropy term on target predictions (Yang and Soatto, CVPR 2020, its robust_entropy): per pixel the softmax
/// entropy divided by ln(classes), then (e^2 + 1e-8)^eta, averaged, times the weight. eta > 0.5 penalises confident
/// pixels less and so lets the unsure ones dominate (a Charbonnier penalty).
/// <para>As in the reference (YanchaoYang/FDA, train.py) the term is multiplied by 0 until step <c>switch2entropy</c>
/// (50 000 of the 100 000 steps trained there: <paramref name="StartFraction"/> 0.5), so it acts in the second half of
/// training only, while the target batch passes through the model in train mode from the first step (its BatchNorm
/// running statistics see target images all along).</para>
/// </summary>
/// <param name="Weight">Factor of the term (the paper: 0.005).</param>
/// <param name="Eta">Exponent of the penalty (the paper: 2).</param>
/// <param name="StartFraction">Share of the training's steps after which the term acts (the reference: 0.5).</param>
public sealed record FdaEntropy(double Weight = 0.005, double Eta = 2.0, double StartFraction = 0.5) : TargetObjectiveConfig
{
    public override string Label => $"FDA entropy (weight {Weight}, eta {Eta}, after {StartFraction * 100:0.#}% of the steps)";

    public override string Family => "entropy minimisation";

    public override ITargetObjective Create() => new Objective(this);

    public static Tensor RobustEntropy(Tensor logits, double eta)
    {
        using var scope = NewDisposeScope();
        var logp = nn.functional.log_softmax(logits, 1);
        var entropy = -(logp.exp() * logp).sum(1) / Math.Log(logits.shape[1]);
        return (entropy.pow(2) + 1e-8).pow(eta).mean().MoveToOuterDisposeScope();
    }

    private sealed class Objective(FdaEntropy config) : ITargetObjective
    {
        public Tensor Loss(TargetStep step)
        {
            if (step.At.IsPast(config.StartFraction)) return RobustEntropy(step.StudentLogits, config.Eta) * config.Weight;
            // Before the switch the reference computes the term and multiplies it by 0: the target forward pass (and so
            // BatchNorm's statistics) happens, its gradient is 0. The same without the backward pass through it.
            var logits = step.StudentLogitsWithoutGradient();
            return zeros([], dtype: logits.dtype, device: logits.device);
        }
    }
}
