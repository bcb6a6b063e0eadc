using OpenCvSharp;

namespace DesertSeg.Lab.Data.Augmentation;

/// <summary>Resizes to the pipeline's output size: image bilinear, mask nearest (validation and test).</summary>
public sealed record Resize(double P = 1.0) : GeometricTransform
{
    protected override void ApplyToBoth(AugmentedSample sample, SampleRandom random)
    {
        var size = sample.OutputSize;
        if (sample.Image.Size() == size) return;
        var image = new Mat();
        var mask = new Mat();
        Cv2.Resize(sample.Image, image, size, 0, 0, InterpolationFlags.Linear);
        Cv2.Resize(sample.Mask, mask, size, 0, 0, InterpolationFlags.Nearest);
        sample.ReplaceImage(image);
        sample.ReplaceMask(mask);
    }
}
