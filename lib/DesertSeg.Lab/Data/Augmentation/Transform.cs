using System.Text.Json.Serialization;
using OpenCvSharp;

namespace DesertSeg.Lab.Data.Augmentation;

/// <summary>
/// One step of an augmentation pipeline, with its parameters and probability: plain data that a run
/// configuration stores as JSON ("type" names the transform). Each transform follows albumentations 2.x:
/// it first draws `random() &lt; P`, then its parameters, then applies them.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(RandomResizedCrop), nameof(RandomResizedCrop))]
[JsonDerivedType(typeof(Resize), nameof(Resize))]
[JsonDerivedType(typeof(HorizontalFlip), nameof(HorizontalFlip))]
[JsonDerivedType(typeof(ColorJitter), nameof(ColorJitter))]
[JsonDerivedType(typeof(RandomBrightnessContrast), nameof(RandomBrightnessContrast))]
[JsonDerivedType(typeof(Clahe), "CLAHE")]
[JsonDerivedType(typeof(GaussianBlur), nameof(GaussianBlur))]
[JsonDerivedType(typeof(HueSaturationValue), nameof(HueSaturationValue))]
[JsonDerivedType(typeof(RgbShift), "RGBShift")]
[JsonDerivedType(typeof(ChannelShuffle), nameof(ChannelShuffle))]
[JsonDerivedType(typeof(ToGray), nameof(ToGray))]
public abstract record Transform
{
    /// <summary>Probability of applying the transform.</summary>
    public abstract double P { get; init; }

    /// <summary>Draws whether and how to apply, and applies. Called concurrently: implementations keep no state.</summary>
    public abstract void Apply(AugmentedSample sample, SampleRandom random);
}

/// <summary>A transform that moves pixels: the mask follows the image, resampled with nearest neighbour.</summary>
public abstract record GeometricTransform : Transform
{
    public sealed override void Apply(AugmentedSample sample, SampleRandom random)
    {
        if (random.Chance(P)) ApplyToBoth(sample, random);
    }

    protected abstract void ApplyToBoth(AugmentedSample sample, SampleRandom random);
}

/// <summary>A transform of pixel values only. It is never given the mask, so it cannot change it.</summary>
public abstract record ColorTransform : Transform
{
    public sealed override void Apply(AugmentedSample sample, SampleRandom random)
    {
        if (random.Chance(P)) ApplyToImage(sample.Image, random);
    }

    /// <summary>Changes an 8-bit RGB image in place.</summary>
    protected internal abstract void ApplyToImage(Mat rgb, SampleRandom random);
}
