using DesertSeg.Lab.Data.Augmentation;
using static TorchSharp.torch;

namespace DesertSeg.Lab.Adaptation.Objectives;

/// <summary>
/// ClassMix (Olsson et al., 2021) as DACS mixes across domains: half of the classes present in a source label
/// (rounded up, the ignore index excluded), drawn at random; their source pixels are pasted onto the target image.
/// </summary>
public static class ClassMix
{
    /// <summary>The classes of <paramref name="sourceLabel"/> (H x W class indices) to paste, drawn with
    /// <paramref name="random"/>.</summary>
    public static long[] ChooseClasses(Tensor sourceLabel, SampleRandom random, int ignoreIndex = 255)
    {
        var (output, inverse, counts) = sourceLabel.unique();
        inverse?.Dispose();
        counts?.Dispose();
        using var present = output;
        var classes = present.cpu().data<long>().ToArray().Where(c => c != ignoreIndex).ToArray();
        random.Shuffle(classes.AsSpan());
        return classes.Take((classes.Length + 1) / 2).ToArray();
    }

    /// <summary>1 where the source label is one of <paramref name="classes"/>, else 0 (float, same shape).</summary>
    public static Tensor Mask(Tensor sourceLabel, IReadOnlyCollection<long> classes)
    {
        if (classes.Count == 0) return zeros_like(sourceLabel, ScalarType.Float32);
        using var chosen = tensor(classes.ToArray(), device: sourceLabel.device);
        using var hits = sourceLabel.unsqueeze(-1).eq(chosen);
        return hits.any(-1).to(ScalarType.Float32);
    }

    /// <summary>mask * source + (1 - mask) * target, the mask broadcast over leading dimensions of the images (C x H x W).</summary>
    public static Tensor Mix(Tensor mask, Tensor source, Tensor target) => mask * source + (1 - mask) * target;
}
