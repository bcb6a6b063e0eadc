using DesertSeg.Lab.Data.Augmentation;
using DesertSeg.Lab.Models;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace DesertSeg.Lab.Generalisation;

/// <summary>
/// RandConv (Xu et al., "Robust and Generalizable Visual Representation Learning via Random Convolutions", ICLR 2021;
/// reference: wildphoton/RandConv, <c>rand_conv.py</c> and <c>randconv_trainer.py</c>): every training step passes the
/// normalised batch through one 3-to-3 convolution with fresh random weights (kernel size drawn from
/// <see cref="KernelSizes"/>, Kaiming-normal weights of standard deviation 1/sqrt(3 k^2), no bias, "same" padding), which
/// keeps shapes and edges and changes local texture and colour; with <see cref="Mixing"/> the output is
/// <c>alpha * conv(x) + (1 - alpha) * x</c> with alpha ~ U(0, 1) drawn with the weights. The consistency term asks the
/// predictions of three random convolutions of each image to agree (<see cref="Consistency"/>).
/// <para>Where it differs from the reference: the consistency's two extra views convolve the clean batch (the reference
/// convolves the already convolved one again, which its paper's equation does not); the KL terms are averaged over pixels
/// as well as images (a segmentation loss; the reference classifies whole images); and the draws come from torch's
/// generator, seeded per epoch, instead of Python's <c>random</c>, so that a resumed run draws what an uninterrupted one
/// did. The defaults (kernel sizes 1, 3, 5, 7, mixing, no clamping, no identity draws) follow the reference's options; the
/// consistency weight 10 is this workspace's choice (the reference trainer's default is 1.0), fixed before any run here;
/// nothing was tuned on test scores.</para>
/// </summary>
/// <param name="KernelSizes">Odd kernel sizes, one drawn per step.</param>
/// <param name="Mixing">Blend the random convolution with its input by a random alpha (the paper's "RC_mix").</param>
/// <param name="IdentityProbability">Probability that a step leaves the batch as it is.</param>
/// <param name="ConsistencyWeight">Weight of the consistency term (0: none, one forward pass per step; otherwise three).</param>
/// <param name="Clamp">Clamp the output to the normalised range of [0, 1] pixels (the reference's <c>clamp_output</c>).</param>
public sealed record RandConv(
    IReadOnlyList<int>? KernelSizes = null,
    bool Mixing = true,
    double IdentityProbability = 0.0,
    double ConsistencyWeight = 10.0,
    bool Clamp = false) : InputRandomisation
{
    /// <summary>The paper's kernel sizes.</summary>
    public static readonly IReadOnlyList<int> PaperKernelSizes = [1, 3, 5, 7];

    /// <summary>The kernel sizes in effect.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public IReadOnlyList<int> Sizes => KernelSizes ?? PaperKernelSizes;

    public override string Label => ConsistencyWeight > 0 ? $"RandConv (consistency {ConsistencyWeight:0.#})" : "RandConv";

    public override void Validate()
    {
        if (Sizes.Count == 0 || Sizes.Any(k => k < 1 || k % 2 == 0))
            throw new ArgumentException($"RandConv kernel sizes must be odd and positive, got [{string.Join(", ", Sizes)}].");
        RequireProbability(IdentityProbability, "RandConv's identity probability");
        if (!(ConsistencyWeight >= 0)) throw new ArgumentException($"RandConv's consistency weight must be >= 0, got {ConsistencyWeight}.");
    }

    public override Tensor Randomise(Tensor images)
    {
        if (IdentityProbability > 0 && rand(1).item<float>() < IdentityProbability) return images;
        int k = Sizes[Math.Min(Sizes.Count - 1, (int)(rand(1).item<float>() * Sizes.Count))];
        var weight = randn(3, 3, k, k, dtype: images.dtype, device: images.device) / Math.Sqrt(3.0 * k * k);
        double alpha = Mixing ? rand(1).item<float>() : 1.0;
        return Apply(images, weight, alpha, Clamp);
    }

    /// <summary>
    /// One random convolution with the given weights (3 x 3 x k x k) mixed with its input by <paramref name="alpha"/>
    /// (1: the convolution alone); the building block <see cref="Randomise"/> draws for.
    /// </summary>
    public static Tensor Apply(Tensor images, Tensor weight, double alpha, bool clamp = false)
    {
        long k = weight.shape[^1];
        var output = F.conv2d(images, weight, padding: [k / 2, k / 2]);
        if (alpha < 1) output = output * alpha + images * (1 - alpha);
        if (!clamp) return output;
        var (low, high) = NormalisedRange(images.device, images.dtype);
        return output.maximum(low).minimum(high);
    }

    /// <summary>Where pixel values 0 and 1 land after ImageNet normalisation, per channel (1 x 3 x 1 x 1 each).</summary>
    private static (Tensor Low, Tensor High) NormalisedRange(Device device, ScalarType type)
    {
        var n = Normalization.ImageNet;
        var mean = tensor(n.Mean.Select(m => (float)m).ToArray(), [1, 3, 1, 1], dtype: type, device: device);
        var std = tensor(n.Std.Select(s => (float)s).ToArray(), [1, 3, 1, 1], dtype: type, device: device);
        return (-mean / std, (1 - mean) / std);
    }

    /// <summary>
    /// The weighted consistency term: two more random convolutions of the clean batch through <paramref name="model"/>,
    /// and the mean over the three predictions (<paramref name="logits"/> first) of KL(p_i || m), m their average
    /// (clamped at 1e-7 as the reference does), summed over classes and averaged over pixels and images.
    /// </summary>
    public Tensor Consistency(DeepLabV3Plus model, Tensor cleanImages, Tensor logits)
    {
        var probabilities = new List<Tensor> { logits.softmax(1) };
        for (int view = 0; view < 2; view++) probabilities.Add(model.forward(Randomise(cleanImages)).softmax(1));
        var mixture = stack(probabilities).mean([0]).clamp(1e-7, 1).log();
        var divergence = probabilities.Select(p => (p * (p.clamp_min(1e-12).log() - mixture)).sum(1).mean()).Aggregate((a, b) => a + b);
        return divergence / probabilities.Count * ConsistencyWeight;
    }
}
