using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace DesertSeg.Lab.Losses;

/// <summary>torch.nn.CrossEntropyLoss(weight, ignore_index=255): the weighted mean
/// sum(w[y] * -log p[y]) / sum(w[y]) over pixels whose target is not 255.</summary>
/// <remarks>Like PyTorch, a batch where every pixel is ignored gives NaN (0/0).</remarks>
public sealed class WeightedCrossEntropyLoss : nn.Module<Tensor, Tensor, Tensor>
{
    /// <summary>Target value of pixels that take part in no loss and no metric.</summary>
    public const long IgnoreIndex = 255;

    private readonly Tensor? weight;

    /// <param name="classWeights">One weight per class (logit channel), or null for uniform.</param>
    public WeightedCrossEntropyLoss(IReadOnlyList<double>? classWeights = null) : base(nameof(WeightedCrossEntropyLoss))
    {
        weight = classWeights is null ? null : tensor(classWeights.Select(w => (float)w).ToArray(),
            device: CPU); // a buffer: .to(device) moves it
        RegisterComponents();
    }

    /// <param name="logits">N x C x H x W.</param>
    /// <param name="target">N x H x W, int64 class indices or 255.</param>
    public override Tensor forward(Tensor logits, Tensor target) =>
        F.cross_entropy(logits, target, weight: weight, ignore_index: IgnoreIndex);
}
