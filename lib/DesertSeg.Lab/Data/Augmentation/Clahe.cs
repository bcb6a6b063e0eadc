using OpenCvSharp;

namespace DesertSeg.Lab.Data.Augmentation;

/// <summary>
/// Contrast-limited adaptive histogram equalisation of the L channel of LAB. albumentations 2.x turns
/// clip_limit=4.0 into the range (1, 4) and draws the limit uniformly in it.
/// </summary>
public sealed record Clahe(double ClipLimitMin, double ClipLimitMax, int TileGridSize, double P) : ColorTransform
{
    public double DrawClipLimit(SampleRandom random) => random.Uniform(ClipLimitMin, ClipLimitMax);

    protected internal override void ApplyToImage(Mat rgb, SampleRandom random)
    {
        double clipLimit = DrawClipLimit(random);
        // A CLAHE object keeps state between calls, so each call makes its own (workers run concurrently).
        using var clahe = Cv2.CreateCLAHE(clipLimit, new Size(TileGridSize, TileGridSize));
        using var lab = new Mat();
        using var lightness = new Mat();
        Cv2.CvtColor(rgb, lab, ColorConversionCodes.RGB2Lab);
        Cv2.ExtractChannel(lab, lightness, 0);
        clahe.Apply(lightness, lightness);
        Cv2.InsertChannel(lightness, lab, 0);
        Cv2.CvtColor(lab, rgb, ColorConversionCodes.Lab2RGB);
    }
}
