using TorchSharp;
using static TorchSharp.torch;

namespace DesertSeg.Lab.Losses;

/// <summary>The report's loss: CeWeight * weighted cross-entropy + DiceWeight * multiclass Dice (0.5 / 0.5).</summary>
/// <param name="ClassWeights">Name of a <see cref="ClassWeightPresets"/> entry for the CE term.</param>
/// <param name="CeWeight">Factor of the cross-entropy term.</param>
/// <param name="DiceWeight">Factor of the Dice term.</param>
/// <param name="Ohem">Online hard example mining of the cross-entropy term (Table 9's OHEM), or null for plain CE.</param>
public sealed record LossConfig(string ClassWeights = "code", double CeWeight = 0.5, double DiceWeight = 0.5, OhemConfig? Ohem = null);

/// <summary>The loss value and its two terms (each unweighted), for logging.</summary>
public readonly record struct LossTerms(Tensor Total, Tensor CrossEntropy, Tensor Dice);

/// <summary>CeWeight * <see cref="WeightedCrossEntropyLoss"/> + DiceWeight * <see cref="MulticlassDiceLoss"/>.</summary>
public sealed class SegmentationLoss : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly nn.Module<Tensor, Tensor, Tensor> crossEntropy;
    private readonly MulticlassDiceLoss dice;

    /// <summary>The configuration this loss was built from.</summary>
    public LossConfig Config { get; }

    /// <param name="config">Term factors and class-weight preset.</param>
    /// <param name="classNames">Class names in logit order (the data schema's order).</param>
    public SegmentationLoss(LossConfig config, IReadOnlyList<string> classNames) : base(nameof(SegmentationLoss))
    {
        Config = config;
        var weights = ClassWeightPresets.Get(config.ClassWeights).For(classNames);
        crossEntropy = config.Ohem is { } ohem ? new OhemCrossEntropyLoss(ohem, weights) : new WeightedCrossEntropyLoss(weights);
        dice = new MulticlassDiceLoss();
        RegisterComponents();
    }

    public override Tensor forward(Tensor logits, Tensor target)
    {
        var terms = Evaluate(logits, target);
        terms.CrossEntropy.Dispose();
        terms.Dice.Dispose();
        return terms.Total;
    }

    /// <summary>Total and both terms; all three are new tensors owned by the caller (or its dispose scope).</summary>
    public LossTerms Evaluate(Tensor logits, Tensor target)
    {
        var ce = crossEntropy.call(logits, target);
        var d = dice.call(logits, target);
        var total = ce * Config.CeWeight + d * Config.DiceWeight;
        return new LossTerms(total, ce, d);
    }
}
