using DesertSeg.Lab.Data.Augmentation;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace DesertSeg.Lab.Adaptation.Objectives;

/// <summary>
/// DACS's strong augmentation of a mixed image (its strong_transform, kept by DAFormer and MIC): colour jitter, then
/// Gaussian blur, each drawn per image. The jitter follows kornia's ColorJitter as DACS calls it (brightness, contrast,
/// saturation and hue all with strength s, in a random order per image): brightness adds U(-s, s), contrast multiplies
/// by U(1-s, 1+s), saturation blends with the grey image by U(1-s, 1+s), hue turns by U(-s, s) of the colour circle;
/// the result is clamped to [0, 1] after each. The blur's sigma is U(0.15, 1.15) with a kernel of about 4 sigma.
/// <para>Where it departs from the reference (issue 30's reading of <c>dacs.py</c> and DACS's <c>transformsgpu.py</c>):
/// the jitter and blur coins and the blur's sigma are drawn per image here, once per batch there (one uniform draw per
/// iteration, one sigma for the batch; kornia's jitter parameters are per image in both); saturation blends with the grey
/// image (torchvision's <c>adjust_saturation</c>) where kornia scales the HSV saturation; the blur kernel spans about
/// 4 sigma where DACS's spans a tenth of the image side. Per-image draws give each mixed image its own augmentation, which
/// at the quick scale's batch of 8 is closer to the reference's many iterations than one draw per batch; none of these
/// was compared against the reference's numbers.</para>
/// </summary>
public static class StrongAugmentation
{
    /// <summary>Jitter (with probability <paramref name="jitterP"/>) then blur (with <paramref name="blurP"/>) of an
    /// image 3 x H x W in 0..1, in the caller's dispose scope.</summary>
    public static Tensor Apply(Tensor rgb, double strength, double jitterP, double blurP, SampleRandom random)
    {
        var x = rgb;
        if (random.Chance(jitterP))
        {
            Span<int> order = [0, 1, 2, 3];
            random.Shuffle(order);
            foreach (int op in order)
            {
                x = op switch
                {
                    0 => x + random.Uniform(-strength, strength),
                    1 => x * random.Uniform(1 - strength, 1 + strength),
                    2 => Saturate(x, random.Uniform(1 - strength, 1 + strength)),
                    _ => ShiftHue(x, random.Uniform(-strength, strength)),
                };
                x = x.clamp(0, 1);
            }
        }
        if (random.Chance(blurP)) x = GaussianBlur(x, random.Uniform(0.15, 1.15));
        return x;
    }

    private static Tensor Grey(Tensor x) => (x[0] * 0.299 + x[1] * 0.587 + x[2] * 0.114).unsqueeze(0);

    private static Tensor Saturate(Tensor x, double factor)
    {
        var grey = Grey(x);
        return (x - grey) * factor + grey;
    }

    /// <summary>Turns the hue of an RGB image (3 x H x W, 0..1) by <paramref name="turn"/> of the colour circle, through HSV.</summary>
    public static Tensor ShiftHue(Tensor rgb, double turn)
    {
        using var scope = NewDisposeScope();
        var (r, g, b) = (rgb[0], rgb[1], rgb[2]);
        var max = rgb.amax([0]);
        var min = rgb.amin([0]);
        var delta = max - min;
        var safe = delta.clamp_min(1e-12);
        var hue = where(max.eq(r), (g - b) / safe, where(max.eq(g), (b - r) / safe + 2, (r - g) / safe + 4)) / 6;
        hue = where(delta.gt(0), hue, zeros_like(hue));
        hue = (hue + turn).remainder(1.0);
        var saturation = where(max.gt(0), delta / max.clamp_min(1e-12), zeros_like(max));
        // HSV to RGB: sector i of six, fraction f within it.
        var h6 = hue * 6;
        var sector = h6.floor();
        var f = h6 - sector;
        var i = sector.to(ScalarType.Int64).remainder(6);
        var p = max * (1 - saturation);
        var q = max * (1 - saturation * f);
        var t = max * (1 - saturation * (1 - f));
        Tensor Pick(params Tensor[] bySector) => stack(bySector).gather(0, i.unsqueeze(0)).squeeze(0);
        var result = stack([Pick(max, q, p, p, t, max), Pick(t, max, max, q, p, p), Pick(p, p, t, max, max, q)]);
        return result.MoveToOuterDisposeScope();
    }

    private static Tensor GaussianBlur(Tensor chw, double sigma)
    {
        int radius = Math.Max(1, (int)Math.Ceiling(2 * sigma));
        var k = Enumerable.Range(-radius, 2 * radius + 1).Select(i => (float)Math.Exp(-i * i / (2 * sigma * sigma))).ToArray();
        float sum = k.Sum();
        var kernel = tensor(k.Select(v => v / sum).ToArray(), device: chw.device);
        var x = chw.unsqueeze(0);
        x = F.pad(x, [radius, radius, radius, radius], TorchSharp.PaddingModes.Reflect);
        x = F.conv2d(x, kernel.view(1, 1, 1, -1).expand(3, 1, 1, -1), groups: 3);
        x = F.conv2d(x, kernel.view(1, 1, -1, 1).expand(3, 1, -1, 1), groups: 3);
        return x.squeeze(0);
    }
}
