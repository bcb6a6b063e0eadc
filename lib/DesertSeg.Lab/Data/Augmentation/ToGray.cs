using OpenCvSharp;

namespace DesertSeg.Lab.Data.Augmentation;

/// <summary>Replaces the image by its weighted-average grey (OpenCV RGB2GRAY) repeated in three channels.</summary>
public sealed record ToGray(double P) : ColorTransform
{
    protected internal override void ApplyToImage(Mat rgb, SampleRandom random)
    {
        using var gray = new Mat();
        Cv2.CvtColor(rgb, gray, ColorConversionCodes.RGB2GRAY);
        Cv2.CvtColor(gray, rgb, ColorConversionCodes.GRAY2RGB);
    }
}
