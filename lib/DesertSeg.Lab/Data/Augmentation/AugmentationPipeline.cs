using OpenCvSharp;

namespace DesertSeg.Lab.Data.Augmentation;

/// <summary>
/// A step after the preset's transforms that changes an image's appearance only (never its mask), given the
/// sample's random stream: domain adaptation's restyling of source images towards the target domain.
/// </summary>
public interface IImageStyler
{
    /// <summary>Changes the 8-bit RGB image in place; called concurrently, so implementations keep no mutable state.</summary>
    void Apply(Mat rgb, SampleRandom random);
}

/// <summary>A preset made executable for one output size. Stateless once built: workers share one instance.</summary>
public sealed class AugmentationPipeline
{
    public AugmentationPipeline(AugmentationPreset preset, int height, int width)
    {
        if (height <= 0 || width <= 0) throw new ArgumentException($"Output size {height}x{width} is empty.");
        // Without a crop or resize the output size would be the input's, and batches could not be stacked.
        if (!preset.Transforms.Any(t => t is RandomResizedCrop or Resize))
            throw new ArgumentException(
                $"Preset '{preset.Name}' has no RandomResizedCrop or Resize, so its output would not be {height}x{width}.");
        Preset = preset;
        Height = height;
        Width = width;
    }

    /// <summary>Resize and normalise only: the validation and test transform.</summary>
    public static AugmentationPipeline Evaluation(int height, int width) => new(AugmentationPreset.None, height, width);

    public AugmentationPreset Preset { get; }

    /// <summary>Applied after the preset's transforms (and so at the output size), or null.</summary>
    public IImageStyler? Styler { get; init; }
    public int Height { get; }
    public int Width { get; }

    /// <summary>Runs every transform in order; afterwards image and mask are <see cref="Height"/> x <see cref="Width"/>.</summary>
    public void Augment(AugmentedSample sample, SampleRandom random)
    {
        if (sample.OutputSize != new Size(Width, Height))
            throw new ArgumentException(
                $"The sample targets {sample.OutputSize.Width}x{sample.OutputSize.Height}, the pipeline {Width}x{Height}.");
        foreach (var transform in Preset.Transforms) transform.Apply(sample, random);
        if (sample.Image.Width != Width || sample.Image.Height != Height)
            throw new InvalidOperationException(
                $"Preset '{Preset.Name}' produced {sample.Image.Width}x{sample.Image.Height}, not {Width}x{Height}: " +
                "a crop or resize must come after any size change.");
        Styler?.Apply(sample.Image, random);
    }

    /// <summary>The normalised float CHW image (3 * Height * Width values).</summary>
    public void Normalize(Mat rgb, Span<float> chw) => Preset.Normalization.ToChw(rgb, chw);
}
