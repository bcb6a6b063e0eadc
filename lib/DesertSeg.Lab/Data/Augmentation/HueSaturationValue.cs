using OpenCvSharp;

namespace DesertSeg.Lab.Data.Augmentation;

/// <summary>
/// albumentations 2.x HueSaturationValue: in OpenCV's 8-bit HSV, hue turned by a shift uniform in
/// [-HueShift, HueShift] (hue units of 2 degrees, wrapping at 180), saturation and value shifted additively by
/// uniform draws in [-SaturationShift, SaturationShift] and [-ValueShift, ValueShift], saturating.
/// </summary>
public sealed record HueSaturationValue(double HueShift, double SaturationShift, double ValueShift, double P)
    : ColorTransform
{
    public readonly record struct Shifts(double Hue, double Saturation, double Value);

    public Shifts Draw(SampleRandom random) => new(
        random.Uniform(-HueShift, HueShift),
        random.Uniform(-SaturationShift, SaturationShift),
        random.Uniform(-ValueShift, ValueShift));

    protected internal override void ApplyToImage(Mat rgb, SampleRandom random)
    {
        var s = Draw(random);
        if (s is { Hue: 0, Saturation: 0, Value: 0 }) return;
        Cv2.CvtColor(rgb, rgb, ColorConversionCodes.RGB2HSV);
        ColorLookUp.Apply(rgb, ColorLookUp.HueRotation(s.Hue), ColorLookUp.Shift(s.Saturation), ColorLookUp.Shift(s.Value));
        Cv2.CvtColor(rgb, rgb, ColorConversionCodes.HSV2RGB);
    }
}
