using OpenCvSharp;

namespace DesertSeg.Lab.Data.Augmentation;

/// <summary>
/// torchvision-style colour jitter as albumentations 2.x implements it: brightness, contrast and saturation
/// factors uniform in [max(0, 1-x), 1+x], a hue shift uniform in [-Hue, Hue] of a full turn, applied in a
/// random order. Brightness multiplies; contrast blends with the mean of the greyscale image; saturation
/// blends with the greyscale image; hue rotates H in OpenCV's HSV.
/// </summary>
public sealed record ColorJitter(double Brightness, double Contrast, double Saturation, double Hue, double P)
    : ColorTransform
{
    public enum Operation { Brightness, Contrast, Saturation, Hue }

    /// <summary>The drawn factors and the order in which the four operations run.</summary>
    public sealed record Factors(double Brightness, double Contrast, double Saturation, double Hue, Operation[] Order);

    public Factors Draw(SampleRandom random)
    {
        double brightness = random.Uniform(Math.Max(0, 1 - Brightness), 1 + Brightness);
        double contrast = random.Uniform(Math.Max(0, 1 - Contrast), 1 + Contrast);
        double saturation = random.Uniform(Math.Max(0, 1 - Saturation), 1 + Saturation);
        double hue = random.Uniform(-Hue, Hue);
        Operation[] order = [Operation.Brightness, Operation.Contrast, Operation.Saturation, Operation.Hue];
        random.Shuffle<Operation>(order);
        return new Factors(brightness, contrast, saturation, hue, order);
    }

    protected internal override void ApplyToImage(Mat rgb, SampleRandom random) => Apply(rgb, Draw(random));

    public static void Apply(Mat rgb, Factors factors)
    {
        foreach (var operation in factors.Order)
        {
            switch (operation)
            {
                case Operation.Brightness: AdjustBrightness(rgb, factors.Brightness); break;
                case Operation.Contrast: AdjustContrast(rgb, factors.Contrast); break;
                case Operation.Saturation: AdjustSaturation(rgb, factors.Saturation); break;
                case Operation.Hue: AdjustHue(rgb, factors.Hue); break;
            }
        }
    }

    public static void AdjustBrightness(Mat rgb, double factor)
    {
        if (factor != 1) rgb.ConvertTo(rgb, -1, factor, 0);
    }

    public static void AdjustContrast(Mat rgb, double factor)
    {
        if (factor == 1) return;
        double mean;
        using (var gray = new Mat())
        {
            Cv2.CvtColor(rgb, gray, ColorConversionCodes.RGB2GRAY);
            mean = Cv2.Mean(gray).Val0;
        }
        rgb.ConvertTo(rgb, -1, factor, mean * (1 - factor));
    }

    public static void AdjustSaturation(Mat rgb, double factor)
    {
        if (factor == 1) return;
        using var gray = new Mat();
        using var grayRgb = new Mat();
        Cv2.CvtColor(rgb, gray, ColorConversionCodes.RGB2GRAY);
        Cv2.CvtColor(gray, grayRgb, ColorConversionCodes.GRAY2RGB);
        Cv2.AddWeighted(rgb, factor, grayRgb, 1 - factor, 0, rgb);
    }

    /// <param name="shift">Fraction of a full turn, in [-0.5, 0.5].</param>
    public static void AdjustHue(Mat rgb, double shift)
    {
        if (shift == 0) return;
        Cv2.CvtColor(rgb, rgb, ColorConversionCodes.RGB2HSV);
        var identity = ColorLookUp.Identity();
        ColorLookUp.Apply(rgb, ColorLookUp.HueRotation(180 * shift), identity, identity);
        Cv2.CvtColor(rgb, rgb, ColorConversionCodes.HSV2RGB);
    }
}
