namespace DesertSeg.Lab.Evaluation.Corruptions;

/// <summary>The 15 ImageNet-C corruptions, in the paper's order.</summary>
public static class Corruptions
{
    private static readonly Corruption[] Ordered =
    [
        new GaussianNoise(), new ShotNoise(), new ImpulseNoise(),
        new DefocusBlur(), new GlassBlur(), new MotionBlur(), new ZoomBlur(),
        new Snow(), new Frost(), new Fog(), new Brightness(),
        new Contrast(), new ElasticTransform(), new Pixelate(), new JpegCompression(),
    ];

    /// <summary>
    /// The 15 corruptions in the paper's order: gaussian_noise, shot_noise, impulse_noise, defocus_blur, glass_blur,
    /// motion_blur, zoom_blur, snow, frost, fog, brightness, contrast, elastic_transform, pixelate, jpeg_compression.
    /// </summary>
    public static IReadOnlyList<Corruption> All { get; } = Array.AsReadOnly(Ordered);

    /// <summary>The corruption of that ImageNet-C name (case-insensitive).</summary>
    /// <exception cref="ArgumentException">No corruption has that name; the message lists the known names.</exception>
    public static Corruption ByName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return Ordered.FirstOrDefault(c => string.Equals(c.Name, name.Trim(), StringComparison.OrdinalIgnoreCase))
            ?? throw new ArgumentException(
                $"Unknown corruption '{name}'. Known corruptions: {string.Join(", ", Ordered.Select(c => c.Name))}.", nameof(name));
    }
}
