using DesertSeg.Lab.Data.Augmentation;
using OpenCvSharp;

namespace DesertSeg.Lab.Tests.Data.Augmentation;

public class PresetAndNormalizationTests
{
    [Fact]
    public void Normalize_matches_the_imagenet_formula_on_known_pixels()
    {
        double[] mean = [0.485, 0.456, 0.406], std = [0.229, 0.224, 0.225];
        using var image = new Mat(1, 3, MatType.CV_8UC3);
        image.Set(0, 0, new Vec3b(0, 0, 0));
        image.Set(0, 1, new Vec3b(128, 64, 200));
        image.Set(0, 2, new Vec3b(255, 255, 255));
        var chw = new float[9];
        Normalization.ImageNet.ToChw(image, chw);

        for (int x = 0; x < 3; x++)
        {
            var px = image.At<Vec3b>(0, x);
            byte[] rgb = [px.Item0, px.Item1, px.Item2];
            for (int c = 0; c < 3; c++)
                Assert.Equal((rgb[c] / 255.0 - mean[c]) / std[c], chw[c * 3 + x], 5);
        }
        Assert.Equal(-0.485 / 0.229, chw[0], 5);
        Assert.Equal((1 - 0.406) / 0.225, chw[2 * 3 + 2], 5);
    }

    [Fact]
    public void Evaluation_pipeline_resizes_to_the_output_size_and_is_not_random()
    {
        var pipeline = AugmentationPipeline.Evaluation(72, 128);
        float[] first = [], second = [];
        for (int run = 0; run < 2; run++)
        {
            using var sample = ColorCodedScene.Sample(240, 135, 15, 128, 72);
            pipeline.Augment(sample, SampleRandom.ForSample(run, run, run));
            Assert.Equal(new Size(128, 72), sample.Image.Size());
            Assert.Equal(new Size(128, 72), sample.Mask.Size());
            var chw = new float[3 * 72 * 128];
            pipeline.Normalize(sample.Image, chw);
            if (run == 0) first = chw; else second = chw;
        }
        Assert.Equal(first, second);
    }

    [Fact]
    public void Presets_are_found_by_name_and_carry_the_table3_parameters()
    {
        Assert.Same(AugmentationPreset.Table3, AugmentationPreset.ByName("Table3"));
        Assert.Same(AugmentationPreset.Extreme, AugmentationPreset.ByName("extreme"));
        Assert.Same(AugmentationPreset.None, AugmentationPreset.ByName("none"));
        Assert.Throws<ArgumentException>(() => AugmentationPreset.ByName("heavy"));

        var t = AugmentationPreset.Table3.Transforms;
        Assert.Equal(
            ["RandomResizedCrop", "HorizontalFlip", "ColorJitter", "RandomBrightnessContrast", "Clahe", "GaussianBlur"],
            t.Select(x => x.GetType().Name));
        Assert.Equal(new RandomResizedCrop(0.5, 1.0, 1.3125, 2.1875, 1.0), t[0]);
        Assert.Equal(new ColorJitter(0.3, 0.3, 0.3, 0.05, 0.6), t[2]);
        Assert.Equal(new RandomBrightnessContrast(-0.3, 0.1, -0.2, 0.2, 0.4), t[3]);
        Assert.Equal([1.0, 0.5, 0.6, 0.4, 0.2, 0.15], t.Select(x => x.P));
        Assert.Equal(10, AugmentationPreset.Extreme.Transforms.Count);
    }

    [Theory]
    [InlineData("table3")]
    [InlineData("extreme")]
    [InlineData("none")]
    public void A_preset_survives_a_json_round_trip_and_rebuilds_the_same_pipeline(string name)
    {
        var preset = AugmentationPreset.ByName(name);
        string json = preset.ToJson();
        var restored = AugmentationPreset.FromJson(json);

        Assert.Equal(json, restored.ToJson());
        Assert.Equal(preset.Transforms, restored.Transforms); // record equality, element by element
        Assert.Contains("\"type\": \"RandomResizedCrop\"", AugmentationPreset.Table3.ToJson());

        var a = Run(new AugmentationPipeline(preset, 72, 128));
        var b = Run(new AugmentationPipeline(restored, 72, 128));
        Assert.Equal(a, b);

        static float[] Run(AugmentationPipeline pipeline)
        {
            using var sample = ColorCodedScene.Sample(240, 135, 15, 128, 72);
            pipeline.Augment(sample, SampleRandom.ForSample(42, 3, 9));
            var chw = new float[3 * 72 * 128];
            pipeline.Normalize(sample.Image, chw);
            return chw;
        }
    }

    [Fact]
    public void A_preset_without_crop_or_resize_is_refused()
    {
        var flipOnly = new AugmentationPreset("flip", [new HorizontalFlip(0.5)], Normalization.ImageNet);
        Assert.Throws<ArgumentException>(() => new AugmentationPipeline(flipOnly, 72, 128));
    }

    [Fact]
    public void Sample_streams_depend_on_seed_epoch_and_index()
    {
        ulong Draw(long seed, int epoch, int index) => SampleRandom.ForSample(seed, epoch, index).NextUInt64();
        Assert.Equal(Draw(42, 0, 0), Draw(42, 0, 0));
        var draws = new HashSet<ulong> { Draw(42, 0, 0), Draw(42, 1, 0), Draw(42, 0, 1), Draw(43, 0, 0),
            SampleRandom.ForShuffle(42, 0).NextUInt64() };
        Assert.Equal(5, draws.Count);
    }
}
