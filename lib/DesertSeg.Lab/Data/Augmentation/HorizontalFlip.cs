using OpenCvSharp;

namespace DesertSeg.Lab.Data.Augmentation;

/// <summary>Mirrors image and mask left to right.</summary>
public sealed record HorizontalFlip(double P) : GeometricTransform
{
    protected override void ApplyToBoth(AugmentedSample sample, SampleRandom random)
    {
        Cv2.Flip(sample.Image, sample.Image, FlipMode.Y);
        Cv2.Flip(sample.Mask, sample.Mask, FlipMode.Y);
    }
}
