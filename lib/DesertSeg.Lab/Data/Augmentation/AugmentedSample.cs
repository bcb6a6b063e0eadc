using OpenCvSharp;

namespace DesertSeg.Lab.Data.Augmentation;

/// <summary>
/// An image and its class-index mask on their way through an augmentation pipeline. The sample owns both
/// matrices: transforms either change them in place or hand over replacements, and the old ones are freed.
/// </summary>
public sealed class AugmentedSample : IDisposable
{
    /// <param name="image">8-bit RGB (CV_8UC3); ownership passes to the sample.</param>
    /// <param name="mask">Class indices (CV_8UC1) of the same size, 255 = ignore; ownership passes to the sample.</param>
    /// <param name="outputSize">The size the pipeline must deliver (the crop or resize target).</param>
    public AugmentedSample(Mat image, Mat mask, Size outputSize)
    {
        if (image.Type() != MatType.CV_8UC3)
            throw new ArgumentException($"The image must be 8-bit RGB (CV_8UC3), not {image.Type()}.", nameof(image));
        if (mask.Type() != MatType.CV_8UC1)
            throw new ArgumentException($"The mask must be 8-bit class indices (CV_8UC1), not {mask.Type()}.", nameof(mask));
        if (image.Size() != mask.Size())
            throw new ArgumentException($"Image {image.Width}x{image.Height} and mask {mask.Width}x{mask.Height} differ in size.");
        Image = image;
        Mask = mask;
        OutputSize = outputSize;
    }

    public Mat Image { get; private set; }

    public Mat Mask { get; private set; }

    public Size OutputSize { get; }

    public void ReplaceImage(Mat image)
    {
        if (ReferenceEquals(image, Image)) return;
        Image.Dispose();
        Image = image;
    }

    public void ReplaceMask(Mat mask)
    {
        if (ReferenceEquals(mask, Mask)) return;
        Mask.Dispose();
        Mask = mask;
    }

    public void Dispose()
    {
        Image.Dispose();
        Mask.Dispose();
    }
}
