using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace DesertSeg.Lab.Losses;

/// <summary>smp 0.3.3 DiceLoss(mode="multiclass", from_logits=True, ignore_index=255, smooth=0, eps=1e-7).</summary>
/// <remarks>
/// Softmax over classes; one-hot targets; ignored pixels zeroed in both. Per class c, summed over batch
/// and pixels: dice_c = 2 * sum(p*t) / max(sum(p + t), eps), loss_c = 1 - dice_c. Classes absent from
/// the batch's ground truth get loss 0 but still count in the mean over ALL classes, so a batch with
/// few classes present has a smaller Dice loss (that is smp's behaviour and what the report trained with).
/// </remarks>
public sealed class MulticlassDiceLoss : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly double smooth;
    private readonly double eps;

    public MulticlassDiceLoss(double smooth = 0.0, double eps = 1e-7) : base(nameof(MulticlassDiceLoss))
    {
        this.smooth = smooth;
        this.eps = eps;
    }

    /// <param name="logits">N x C x H x W.</param>
    /// <param name="target">N x H x W, int64 class indices or 255.</param>
    public override Tensor forward(Tensor logits, Tensor target)
    {
        using var scope = NewDisposeScope();
        long n = logits.shape[0], classes = logits.shape[1];
        // smp: log_softmax().exp() rather than softmax(), for numerical stability; same values.
        var probs = F.log_softmax(logits, 1).exp().view(n, classes, -1);
        var flatTarget = target.view(n, -1);
        var valid = flatTarget.ne(WeightedCrossEntropyLoss.IgnoreIndex);
        var validMask = valid.unsqueeze(1).to_type(probs.dtype);
        probs = probs * validMask;
        var oneHot = F.one_hot(flatTarget * valid.to_type(flatTarget.dtype), classes)  // N x HW x C
            .permute(0, 2, 1).to_type(probs.dtype) * validMask;

        long[] dims = [0, 2];
        var intersection = (probs * oneHot).sum(dims);
        var cardinality = (probs + oneHot).sum(dims);
        var dice = (intersection * 2.0 + smooth) / (cardinality + smooth).clamp_min(eps);
        var loss = 1.0 - dice;
        var present = oneHot.sum(dims).gt(0).to_type(loss.dtype);
        return (loss * present).mean().MoveToOuterDisposeScope();
    }
}
