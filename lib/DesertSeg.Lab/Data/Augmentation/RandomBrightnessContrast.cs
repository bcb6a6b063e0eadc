using OpenCvSharp;

namespace DesertSeg.Lab.Data.Augmentation;

/// <summary>
/// albumentations 2.x RandomBrightnessContrast with brightness_by_max: out = img * (1 + c) + b * 255, saturated,
/// c uniform in [ContrastMin, ContrastMax], b uniform in [BrightnessMin, BrightnessMax].
/// </summary>
public sealed record RandomBrightnessContrast(
    double BrightnessMin, double BrightnessMax, double ContrastMin, double ContrastMax, double P) : ColorTransform
{
    /// <summary>Alpha multiplies (1 + contrast), Beta is the brightness as a fraction of 255.</summary>
    public readonly record struct Factors(double Alpha, double Beta);

    public Factors Draw(SampleRandom random)
    {
        double alpha = 1.0 + random.Uniform(ContrastMin, ContrastMax);
        double beta = random.Uniform(BrightnessMin, BrightnessMax);
        return new Factors(alpha, beta);
    }

    protected internal override void ApplyToImage(Mat rgb, SampleRandom random) => Apply(rgb, Draw(random));

    public static void Apply(Mat rgb, Factors factors) => rgb.ConvertTo(rgb, -1, factors.Alpha, factors.Beta * 255.0);
}
