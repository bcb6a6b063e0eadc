using static TorchSharp.torch;

namespace DesertSeg.Lab.Generalisation;

/// <summary>What the encoder calls on its features while training: a perturbation at some of its five places
/// (<see cref="FeatureStatisticsPerturbation.Positions"/>). Holds no parameters, so checkpoints are unchanged.</summary>
public sealed class EncoderFeaturePerturbation(IReadOnlyList<int> positions, Func<Tensor, Tensor> perturb)
{
    private readonly HashSet<int> _positions = [.. positions];

    /// <summary>The features at <paramref name="position"/>, perturbed where the ingredient acts.</summary>
    public Tensor At(int position, Tensor features) => _positions.Contains(position) ? perturb(features) : features;
}
