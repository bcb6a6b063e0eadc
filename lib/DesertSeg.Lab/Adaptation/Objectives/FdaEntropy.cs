using static TorchSharp.torch;

namespace DesertSeg.Lab.Adaptation.Objectives;

/// <summary>
/// FDA's entropy term on target predictions (Yang and Soatto, CVPR 2020, its robust_entropy): per pixel the softmax
/// entropy divided by ln(classes), then (e^2 + 1e-8)^eta, averaged, times the weight. eta > 0.5 penalises confident
/// pixels less and so lets the unsure ones dominate (a Charbonnier penalty).
/// </summary>
/// <param name="Weight">Factor of the term (the paper: 0.005).</param>
/// <param name="Eta">Exponent of the penalty (the paper: 2).</param>
public sealed record FdaEntropy(double Weight = 0.005, double Eta = 2.0) : TargetObjectiveConfig
{
    public override string Label => $"FDA entropy (weight {Weight}, eta {Eta})";

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
        public Tensor Loss(TargetStep step) => RobustEntropy(step.StudentLogits, config.Eta) * config.Weight;
    }
}
