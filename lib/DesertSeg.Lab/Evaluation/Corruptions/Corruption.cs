using DesertSeg.Lab.Data;

namespace DesertSeg.Lab.Evaluation.Corruptions;

/// <summary>The four groups in which Hendrycks &amp; Dietterich (ICLR 2019, ImageNet-C) report their 15 corruptions.</summary>
public enum CorruptionFamily
{
    /// <summary>Per-pixel random noise: gaussian_noise, shot_noise, impulse_noise.</summary>
    Noise,

    /// <summary>Blurs: defocus_blur, glass_blur, motion_blur, zoom_blur.</summary>
    Blur,

    /// <summary>Weather and lighting: snow, frost, fog, brightness.</summary>
    Weather,

    /// <summary>Digital processing: contrast, elastic_transform, pixelate, jpeg_compression.</summary>
    Digital,
}

/// <summary>
/// One ImageNet-C corruption (Hendrycks &amp; Dietterich, "Benchmarking Neural Network Robustness to Common Corruptions and
/// Perturbations", ICLR 2019) at five severities, re-implemented from the reference code (hendrycks/robustness,
/// ImageNet-C/create_c/make_imagenet_c.py). Its parameters are for 224 x 224 images: every spatial one is scaled by
/// (shorter side / 224), the photometric ones are kept as published (each class says which is which).
/// Implementations are stateless and thread-safe: all randomness comes from the seed argument (a private
/// <see cref="Random"/> per call), so the random draws differ from numpy's, not their distributions.
/// Common differences from the published data set: results are rounded to bytes (the reference truncates them), and they are
/// not saved as JPEG afterwards (ImageNet-C's files were saved at JPEG quality 85, which adds a mild compression to every
/// corruption).
/// </summary>
public abstract class Corruption
{
    /// <summary>ImageNet-C's name of the corruption, e.g. "gaussian_noise".</summary>
    public abstract string Name { get; }

    /// <summary>The group the paper reports the corruption in.</summary>
    public abstract CorruptionFamily Family { get; }

    /// <summary>
    /// A new image: <paramref name="image"/> corrupted at severity 1..5; the same (image, severity, seed) always gives the
    /// same bytes.
    /// </summary>
    /// <param name="image">The image to corrupt; it is not modified.</param>
    /// <param name="severity">1 (mildest) to 5 (strongest), ImageNet-C's levels.</param>
    /// <param name="seed">Seeds every random draw the corruption makes; corruptions without randomness ignore it.</param>
    /// <exception cref="ArgumentOutOfRangeException">The severity is not 1..5.</exception>
    public abstract RgbImage Apply(RgbImage image, int severity, int seed);

    /// <summary>
    /// For corruptions that move pixels (elastic_transform): the same displacement applied to the mask (nearest neighbour),
    /// so labels stay on their pixels; others return the mask itself.
    /// </summary>
    /// <param name="mask">The class mask of the image given to <see cref="Apply"/>, of the same size.</param>
    /// <param name="severity">The severity given to <see cref="Apply"/>.</param>
    /// <param name="seed">The seed given to <see cref="Apply"/>.</param>
    public virtual RawMask ApplyToMask(RawMask mask, int severity, int seed) => mask;

    /// <summary>The corruption's <see cref="Name"/>.</summary>
    public override string ToString() => Name;
}
