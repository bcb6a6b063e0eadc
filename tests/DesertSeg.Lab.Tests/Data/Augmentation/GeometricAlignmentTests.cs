using DesertSeg.Lab.Data.Augmentation;
using OpenCvSharp;

namespace DesertSeg.Lab.Tests.Data.Augmentation;

public class GeometricAlignmentTests
{
    private const int SourceWidth = 480, SourceHeight = 270, Block = 30, OutputWidth = 256, OutputHeight = 144;

    public static TheoryData<string> GeometricOnlyPresets => new() { "crop", "crop+flip", "table3", "extreme" };

    /// <summary>The named preset with every colour transform removed, the flip forced to happen where present.</summary>
    private static AugmentationPreset Geometric(string name)
    {
        IReadOnlyList<Transform> transforms = name switch
        {
            "crop" => [AugmentationPreset.Table3.Transforms.OfType<RandomResizedCrop>().Single()],
            "crop+flip" => [AugmentationPreset.Table3.Transforms.OfType<RandomResizedCrop>().Single(), new HorizontalFlip(P: 1)],
            _ => AugmentationPreset.ByName(name).Transforms.OfType<GeometricTransform>().ToList(),
        };
        return new AugmentationPreset(name, transforms, Normalization.ImageNet);
    }

    [Theory]
    [MemberData(nameof(GeometricOnlyPresets))]
    public void Image_colours_still_decode_to_the_mask_class_after_geometric_transforms(string preset)
    {
        var pipeline = new AugmentationPipeline(Geometric(preset), OutputHeight, OutputWidth);
        for (int draw = 0; draw < 40; draw++)
        {
            using var sample = ColorCodedScene.Sample(SourceWidth, SourceHeight, Block, OutputWidth, OutputHeight);
            pipeline.Augment(sample, SampleRandom.ForSample(7, 0, draw));

            Assert.Equal(new Size(OutputWidth, OutputHeight), sample.Image.Size());
            Assert.Equal(new Size(OutputWidth, OutputHeight), sample.Mask.Size());
            var (checkedPixels, mismatched) = ColorCodedScene.Compare(sample.Image, sample.Mask);
            // Blocks of 30 px scaled by at most 1.9 leave most pixels away from a boundary.
            Assert.True(checkedPixels > OutputWidth * OutputHeight / 3, $"only {checkedPixels} pixels checked (draw {draw})");
            Assert.True(mismatched == 0, $"{mismatched} of {checkedPixels} interior pixels misaligned (draw {draw})");
        }
    }

    [Fact]
    public void A_flip_of_the_image_alone_would_be_detected()
    {
        // Guards the test above: the scene is not mirror-symmetric, so the comparison can fail.
        using var sample = ColorCodedScene.Sample(SourceWidth, SourceHeight, Block, SourceWidth, SourceHeight);
        Cv2.Flip(sample.Image, sample.Image, FlipMode.Y);
        var (checkedPixels, mismatched) = ColorCodedScene.Compare(sample.Image, sample.Mask);
        Assert.True(mismatched > checkedPixels / 4, $"{mismatched} of {checkedPixels}");
    }

    [Fact]
    public void Nearest_neighbour_never_invents_classes_and_keeps_ignore()
    {
        var pipeline = new AugmentationPipeline(AugmentationPreset.Table3, OutputHeight, OutputWidth);
        for (int draw = 0; draw < 20; draw++)
        {
            var (image, mask) = ColorCodedScene.Create(SourceWidth, SourceHeight, Block);
            // Classes 3 and 5 become "ignore", as 7-class training ignores clutter, flowers and logs.
            mask.SetTo(255, mask.InRange(3, 3));
            mask.SetTo(255, mask.InRange(5, 5));
            using var sample = new AugmentedSample(image, mask, new Size(OutputWidth, OutputHeight));
            pipeline.Augment(sample, SampleRandom.ForSample(3, 1, draw));

            sample.Mask.GetArray(out byte[] values);
            var present = values.Distinct().ToHashSet();
            Assert.Subset(new HashSet<byte> { 0, 1, 2, 4, 6, 7, 255 }, present);
            Assert.Contains((byte)255, present);
        }
    }

    [Fact]
    public void Horizontal_flip_mirrors_image_and_mask()
    {
        using var sample = ColorCodedScene.Sample(64, 36, 8, 64, 36);
        using var before = sample.Mask.Clone();
        new HorizontalFlip(P: 1).Apply(sample, new SampleRandom(1));
        for (int x = 0; x < 64; x++) Assert.Equal(before.At<byte>(5, x), sample.Mask.At<byte>(5, 63 - x));
        Assert.Equal((0, 0), (ColorCodedScene.Compare(sample.Image, sample.Mask, 0).Mismatched, 0));
    }
}
