using DesertSeg.Lab.Models;
using static TorchSharp.torch;

namespace DesertSeg.Lab.Inference;

/// <summary>
/// Online test-time adaptation: each forward pass of a <see cref="Predictor"/> both predicts and adapts the model to the
/// batch it sees (TENT), so the predictions of a split depend on the order and size of its batches.
/// </summary>
public interface IOnlineAdaptation
{
    /// <summary>Logits of <paramref name="input"/> (N x 3 x H x W) from the adapting forward pass, without gradient.</summary>
    Tensor Forward(DeepLabV3Plus model, Tensor input);

    /// <summary>What the adaptation is, for score labels and cache keys.</summary>
    string Describe();
}
