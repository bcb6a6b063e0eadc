using DesertSeg.Lab.Data.Augmentation;
using static TorchSharp.torch;

namespace DesertSeg.Lab.Generalisation;

/// <summary>
/// Fourier amplitude mixing between training images (Xu et al., "A Fourier-based Framework for Domain Generalization",
/// CVPR 2021, FACT's augmentation; reference: MediaBrain-SJTU/FACT, <c>colorful_spectrum_mix</c>): an image keeps its
/// phase (its shapes, so its labels) and takes the amplitude spectrum <c>(1 - lambda) A + lambda A'</c> of itself and
/// another training image, lambda ~ U(0, <see cref="Alpha"/>), over the whole spectrum (the reference's ratio 1.0), on
/// [0, 1] pixels, clipped. The style partner is another image of the same batch (a random permutation), never a target
/// image: the difference from FDA, which takes the target's amplitude. Written from the paper's description; the reference
/// code was not read line by line here.
/// <para>Where it differs from FACT: FACT trains on each original and its mixed copy together (doubling the batch) with a
/// mean-teacher consistency between them; here each image of the batch is replaced by its mix with probability
/// <see cref="P"/> (the batch keeps its size and cost) and there is no teacher. Its alpha (1.0) is FACT's; P = 0.5 keeps
/// half of the originals, as FACT's doubled batch does. Fixed before any run; nothing was tuned on test scores.</para>
/// </summary>
public sealed record AmplitudeMix(double Alpha = 1.0, double P = 0.5) : InputRandomisation
{
    public override string Label => "Amplitude mix";

    public override void Validate()
    {
        if (!(Alpha > 0 && Alpha <= 1)) throw new ArgumentException($"Amplitude mix alpha must be in (0, 1], got {Alpha}.");
        RequireProbability(P, "Amplitude mix's probability");
    }

    public override Tensor Randomise(Tensor images)
    {
        long n = images.shape[0];
        if (n < 2) return images;
        var partner = randperm(n, device: images.device);
        var lambda = rand([n, 1, 1, 1], device: images.device) * Alpha;
        var chosen = (rand([n, 1, 1, 1], device: images.device) < P).to(images.dtype);
        var mixed = Mix(images, images.index_select(0, partner), lambda);
        return mixed * chosen + images * (1 - chosen);
    }

    /// <summary>
    /// Each normalised image of <paramref name="images"/> with its phase and the amplitude
    /// <c>(1 - lambda) A + lambda A'</c> of itself and the same image of <paramref name="partners"/>; mixing happens on
    /// [0, 1] pixels (ImageNet normalisation undone, then redone), clipped to [0, 1].
    /// </summary>
    /// <param name="lambda">N x 1 x 1 x 1 mixing weights (0: the image unchanged).</param>
    public static Tensor Mix(Tensor images, Tensor partners, Tensor lambda)
    {
        var normalisation = Normalization.ImageNet;
        var mean = tensor(normalisation.Mean.Select(m => (float)m).ToArray(), [1, 3, 1, 1], device: images.device).to(images.dtype);
        var std = tensor(normalisation.Std.Select(s => (float)s).ToArray(), [1, 3, 1, 1], device: images.device).to(images.dtype);
        var own = fft.fft2(images * std + mean);
        var other = fft.fft2(partners * std + mean);
        var amplitude = own.abs() * (1 - lambda) + other.abs() * lambda;
        var pixels = fft.ifft2(polar(amplitude, own.angle())).real.clamp(0, 1);
        return (pixels - mean) / std;
    }
}
