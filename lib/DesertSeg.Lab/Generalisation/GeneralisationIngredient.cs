using System.Text.Json.Serialization;
using static TorchSharp.torch;

namespace DesertSeg.Lab.Generalisation;

/// <summary>
/// A training-time ingredient of domain generalisation: it changes what the model sees of the source images (or of their
/// features) during training, and never reads a target image. Stored in a run's configuration ("type" names it);
/// several combine (<see cref="GeneralisationIngredients.Validate"/> refuses the combinations that cannot work). Each is
/// switched off at evaluation: a model trained with any of them predicts like any other checkpoint.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(RandConv), "RandConv")]
[JsonDerivedType(typeof(AmplitudeMix), "AmplitudeMix")]
[JsonDerivedType(typeof(MixStyle), "MixStyle")]
[JsonDerivedType(typeof(DistributionUncertainty), "DSU")]
public abstract record GeneralisationIngredient
{
    /// <summary>Short name for run names and tables.</summary>
    [JsonIgnore]
    public abstract string Label { get; }

    /// <summary>Throws naming the setting that is out of range.</summary>
    public abstract void Validate();

    protected static void RequireProbability(double p, string name)
    {
        if (!(p >= 0 && p <= 1)) throw new ArgumentException($"{name} must be a probability in [0, 1], got {p}.");
    }
}

/// <summary>An ingredient that randomises the normalised input batch (N x 3 x H x W) before the forward pass; masks stay.</summary>
public abstract record InputRandomisation : GeneralisationIngredient
{
    /// <summary>The batch randomised, drawing from torch's generator (seeded per epoch by the trainer, so a resumed run draws
    /// the same); the input is not modified.</summary>
    public abstract Tensor Randomise(Tensor images);
}

/// <summary>
/// An ingredient that re-draws the channel statistics (mean and standard deviation per image and channel) of encoder
/// features during training, at the encoder's <see cref="FeaturePositions"/>.
/// </summary>
public abstract record FeatureStatisticsPerturbation : GeneralisationIngredient
{
    /// <summary>Where in the encoder: 0 after the stem (conv, BN, ReLU, max-pool), k = 1..4 after ResNet layer k.</summary>
    public abstract IReadOnlyList<int> Positions { get; init; }

    /// <summary>The features with their statistics re-drawn (or unchanged, by the ingredient's own coin).</summary>
    public abstract Tensor Perturb(Tensor features);

    public override void Validate()
    {
        if (Positions is not { Count: > 0 } || Positions.Any(p => p is < 0 or > 4) || Positions.Distinct().Count() != Positions.Count)
            throw new ArgumentException($"{Label}: positions must be distinct values in 0..4 (0 after the stem, k after layer k), " +
                $"got [{string.Join(", ", Positions ?? [])}].");
    }

    /// <summary>Per image and channel mean and variance over space (N x C x 1 x 1), the variance unbiased as torch's
    /// <c>var</c> defaults to, which both reference implementations call.</summary>
    internal static (Tensor Mean, Tensor Variance) Statistics(Tensor x) =>
        (x.mean([2, 3], keepdim: true), x.var([2, 3], unbiased: true, keepdim: true));
}
