using OpenCvSharp;

namespace DesertSeg.Lab.Data.Augmentation;

/// <summary>Adds to each channel its own shift, uniform in [-limit, limit], saturating (albumentations RGBShift).</summary>
public sealed record RgbShift(double RedShift, double GreenShift, double BlueShift, double P) : ColorTransform
{
    public readonly record struct Shifts(double Red, double Green, double Blue);

    public Shifts Draw(SampleRandom random) => new(
        random.Uniform(-RedShift, RedShift),
        random.Uniform(-GreenShift, GreenShift),
        random.Uniform(-BlueShift, BlueShift));

    protected internal override void ApplyToImage(Mat rgb, SampleRandom random)
    {
        var s = Draw(random);
        ColorLookUp.Apply(rgb, ColorLookUp.Shift(s.Red), ColorLookUp.Shift(s.Green), ColorLookUp.Shift(s.Blue));
    }
}
