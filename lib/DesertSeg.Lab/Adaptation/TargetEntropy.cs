using DesertSeg.Lab.Data.Augmentation;
using DesertSeg.Lab.Data.Loading;
using DesertSeg.Lab.Models;
using static TorchSharp.torch;

namespace DesertSeg.Lab.Adaptation;

/// <summary>FDA's entropy term on target images: weight times the robust (Charbonnier-like) entropy penalty.</summary>
/// <param name="Weight">Factor of the term (the paper: 0.005).</param>
/// <param name="Eta">Exponent of the penalty (the paper: 2).</param>
public sealed record TargetEntropy(double Weight = 0.005, double Eta = 2.0);

/// <summary>
/// The FDA paper's entropy minimisation on target predictions (its robust_entropy): per pixel the softmax entropy
/// divided by ln(classes), then (e^2 + 1e-8)^eta, averaged; eta > 0.5 penalises confident pixels less and so
/// lets the unsure ones dominate.
/// </summary>
public sealed class TargetEntropyObjective(TargetEntropy config) : ITargetObjective
{
    public static Tensor RobustEntropy(Tensor logits, double eta)
    {
        using var scope = NewDisposeScope();
        var logp = nn.functional.log_softmax(logits, 1);
        var entropy = -(logp.exp() * logp).sum(1) / Math.Log(logits.shape[1]);
        return (entropy.pow(2) + 1e-8).pow(eta).mean().MoveToOuterDisposeScope();
    }

    public Tensor Loss(DeepLabV3Plus student, BatchTensors source, Tensor target, SampleRandom random) =>
        RobustEntropy(student.call(target), config.Eta) * config.Weight;

    public void AfterStep(DeepLabV3Plus student, long step) { }
    public void Save(string folder) { }
    public void Load(string folder) { }
    public void Dispose() { }
}
