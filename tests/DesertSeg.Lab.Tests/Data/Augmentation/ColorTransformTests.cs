using DesertSeg.Lab.Data.Augmentation;
using OpenCvSharp;

namespace DesertSeg.Lab.Tests.Data.Augmentation;

public class ColorTransformTests
{
    public static TheoryData<string> ColorTransformNames =>
        new(AugmentationPreset.Extreme.Transforms.OfType<ColorTransform>().Select(t => t.GetType().Name));

    private static ColorTransform Named(string name) =>
        AugmentationPreset.Extreme.Transforms.OfType<ColorTransform>().Single(t => t.GetType().Name == name);

    [Theory]
    [MemberData(nameof(ColorTransformNames))]
    public void Colour_transforms_change_the_image_but_never_the_mask(string name)
    {
        var transform = Named(name) with { P = 1 };
        int changedImages = 0;
        for (int draw = 0; draw < 10; draw++)
        {
            var (image, mask) = ColorCodedScene.Create(96, 54, 12);
            // Mid-range colours, so that shifts and blends are visible (the palette sits at saturated corners).
            Cv2.AddWeighted(image, 0.5, image, 0, 64, image);
            using var sample = new AugmentedSample(image, mask, new Size(96, 54));
            using var imageBefore = sample.Image.Clone();
            sample.Mask.GetArray(out byte[] maskBefore);

            transform.Apply(sample, SampleRandom.ForSample(11, draw, 0));

            sample.Mask.GetArray(out byte[] maskAfter);
            Assert.Equal(maskBefore, maskAfter);
            Assert.Equal(new Size(96, 54), sample.Image.Size());
            Assert.Equal(MatType.CV_8UC3, sample.Image.Type());
            using var diff = new Mat();
            Cv2.Absdiff(imageBefore, sample.Image, diff);
            if (Cv2.Sum(diff).Val0 + Cv2.Sum(diff).Val1 + Cv2.Sum(diff).Val2 > 0) changedImages++;
        }
        // A channel shuffle may draw the identity (1 in 6); every other draw changes the image.
        Assert.True(changedImages >= 5, $"{name} changed only {changedImages} of 10 images");
    }

    [Fact]
    public void The_full_extreme_preset_leaves_mask_values_where_the_geometry_puts_them()
    {
        // Crop and flip come before every colour step, so with one seed they draw the same numbers whether the colour
        // steps then run (all of them, P = 1) or not (P = 0): the masks must come out byte for byte the same.
        var geometricOnly = AugmentationPreset.Extreme with
        {
            Transforms = AugmentationPreset.Extreme.Transforms.Select(t => t is ColorTransform ? t with { P = 0 } : t).ToList(),
        };
        var full = new AugmentationPipeline(AugmentationPreset.Extreme with
        {
            Transforms = AugmentationPreset.Extreme.Transforms.Select(t => t with { P = t is ColorTransform ? 1 : t.P }).ToList(),
        }, 72, 128);
        var reference = new AugmentationPipeline(geometricOnly, 72, 128);
        for (int draw = 0; draw < 10; draw++)
        {
            using var a = ColorCodedScene.Sample(240, 135, 15, 128, 72);
            using var b = ColorCodedScene.Sample(240, 135, 15, 128, 72);
            full.Augment(a, SampleRandom.ForSample(5, 0, draw));
            reference.Augment(b, SampleRandom.ForSample(5, 0, draw));
            a.Mask.GetArray(out byte[] withColour);
            b.Mask.GetArray(out byte[] withoutColour);
            Assert.Equal(withoutColour, withColour);
        }
    }
}
