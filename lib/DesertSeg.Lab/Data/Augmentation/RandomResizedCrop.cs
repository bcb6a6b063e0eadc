using OpenCvSharp;

namespace DesertSeg.Lab.Data.Augmentation;

/// <summary>
/// Crops a random window and resizes it to the pipeline's output size (image bilinear, mask nearest), as
/// albumentations 2.x RandomResizedCrop (torchvision's get_params): up to ten tries of an area fraction in
/// [ScaleMin, ScaleMax] and a log-uniform aspect (width/height) in [RatioMin, RatioMax]; if none fits, a
/// central crop with the aspect clamped into the range.
/// </summary>
public sealed record RandomResizedCrop(double ScaleMin, double ScaleMax, double RatioMin, double RatioMax, double P)
    : GeometricTransform
{
    /// <summary>A drawn crop window; <paramref name="IsFallback"/> when all ten tries failed.</summary>
    public readonly record struct CropWindow(Rect Area, bool IsFallback);

    public CropWindow DrawWindow(int imageWidth, int imageHeight, SampleRandom random)
    {
        double area = (double)imageWidth * imageHeight;
        double logRatioMin = Math.Log(RatioMin), logRatioMax = Math.Log(RatioMax);
        for (int attempt = 0; attempt < 10; attempt++)
        {
            double targetArea = random.Uniform(ScaleMin, ScaleMax) * area;
            double aspect = Math.Exp(random.Uniform(logRatioMin, logRatioMax));
            // Math.Round rounds half to even, as Python's round does.
            int width = (int)Math.Round(Math.Sqrt(targetArea * aspect));
            int height = (int)Math.Round(Math.Sqrt(targetArea / aspect));
            if (width > 0 && width <= imageWidth && height > 0 && height <= imageHeight)
            {
                int top = random.NextInt(0, imageHeight - height);
                int left = random.NextInt(0, imageWidth - width);
                return new CropWindow(new Rect(left, top, width, height), false);
            }
        }

        double inRatio = (double)imageWidth / imageHeight;
        int w = imageWidth, h = imageHeight;
        double lowRatio = Math.Min(RatioMin, RatioMax), highRatio = Math.Max(RatioMin, RatioMax);
        if (inRatio < lowRatio) h = (int)Math.Round(imageWidth / lowRatio);
        else if (inRatio > highRatio) w = (int)Math.Round(imageHeight * highRatio);
        return new CropWindow(new Rect((imageWidth - w) / 2, (imageHeight - h) / 2, w, h), true);
    }

    protected override void ApplyToBoth(AugmentedSample sample, SampleRandom random)
    {
        var window = DrawWindow(sample.Image.Width, sample.Image.Height, random).Area;
        var size = sample.OutputSize;
        var image = new Mat();
        var mask = new Mat();
        using (var imageCrop = new Mat(sample.Image, window))
            Cv2.Resize(imageCrop, image, size, 0, 0, InterpolationFlags.Linear);
        using (var maskCrop = new Mat(sample.Mask, window))
            Cv2.Resize(maskCrop, mask, size, 0, 0, InterpolationFlags.Nearest);
        sample.ReplaceImage(image);
        sample.ReplaceMask(mask);
    }
}
