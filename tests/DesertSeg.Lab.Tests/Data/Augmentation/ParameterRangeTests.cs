using DesertSeg.Lab.Data.Augmentation;
using OpenCvSharp;

namespace DesertSeg.Lab.Tests.Data.Augmentation;

/// <summary>Draws each transform's parameters many times and checks them against the Table-3 ranges.</summary>
public class ParameterRangeTests
{
    private const int Draws = 2000;
    private static T Table3<T>() => AugmentationPreset.Table3.Transforms.OfType<T>().Single();

    [Fact]
    public void Crop_area_and_aspect_stay_in_range_on_falcon_sized_images()
    {
        var crop = Table3<RandomResizedCrop>();
        var random = new SampleRandom(1);
        for (int i = 0; i < Draws; i++)
        {
            var window = crop.DrawWindow(960, 540, random);
            var r = window.Area;
            Assert.False(window.IsFallback); // 960x540 always fits within ten tries in practice (p(fail) < 1e-10)
            Assert.True(r.X >= 0 && r.Y >= 0 && r.Right <= 960 && r.Bottom <= 540, $"{r} leaves the image");
            double area = (double)r.Width * r.Height / (960 * 540);
            // Rounding width and height to whole pixels moves the area by at most about (w + h) / 2 pixels.
            double slack = (r.Width + r.Height) / 2.0 / (960 * 540);
            Assert.InRange(area, 0.5 - slack, 1.0 + slack);
            double aspect = (double)r.Width / r.Height;
            double aspectSlack = 0.5 / r.Height * aspect + 0.5 / r.Height * 2.1875;
            Assert.InRange(aspect, 1.3125 - aspectSlack, 2.1875 + aspectSlack);
        }
    }

    [Fact]
    public void Crop_falls_back_to_a_central_crop_clamped_to_the_ratio_range()
    {
        var crop = Table3<RandomResizedCrop>();
        // A 1000x100 strip: every try needs a height above 100 (area >= 50000 at aspect <= 2.1875), so all ten fail.
        var window = crop.DrawWindow(1000, 100, new SampleRandom(2));
        Assert.True(window.IsFallback);
        // Wider than the widest ratio: full height, width round(100 * 2.1875) = round(218.75) = 219, centred.
        Assert.Equal(new Rect((1000 - 219) / 2, 0, 219, 100), window.Area);

        var tall = crop.DrawWindow(100, 1000, new SampleRandom(3));
        Assert.True(tall.IsFallback);
        // Narrower than the narrowest ratio: full width, height round(100 / 1.3125) = 76, centred.
        Assert.Equal(new Rect(0, (1000 - 76) / 2, 100, 76), tall.Area);
    }

    [Fact]
    public void Flip_rate_is_one_half()
    {
        // Binomial(2000, 0.5): standard deviation 22.4 flips; 4.5 deviations (+-100) is a one-in-150,000 miss for a
        // correct coin, and the seed is fixed, so the test is deterministic anyway.
        var flip = Table3<HorizontalFlip>();
        var random = new SampleRandom(4);
        int flips = 0;
        for (int i = 0; i < Draws; i++)
        {
            using var sample = new AugmentedSample(
                new Mat(1, 2, MatType.CV_8UC3, Scalar.All(0)), new Mat(1, 2, MatType.CV_8UC1, Scalar.All(0)), new Size(2, 1));
            sample.Mask.Set(0, 0, (byte)1);
            flip.Apply(sample, random);
            if (sample.Mask.At<byte>(0, 1) == 1) flips++;
        }
        Assert.InRange(flips, 900, 1100);
    }

    [Fact]
    public void Colour_jitter_factors_lie_in_their_ranges_and_the_order_is_a_permutation()
    {
        var jitter = Table3<ColorJitter>();
        var random = new SampleRandom(5);
        var firsts = new HashSet<ColorJitter.Operation>();
        for (int i = 0; i < Draws; i++)
        {
            var f = jitter.Draw(random);
            Assert.InRange(f.Brightness, 0.7, 1.3);
            Assert.InRange(f.Contrast, 0.7, 1.3);
            Assert.InRange(f.Saturation, 0.7, 1.3);
            Assert.InRange(f.Hue, -0.05, 0.05);
            Assert.Equal(Enum.GetValues<ColorJitter.Operation>().Order(), f.Order.Order());
            firsts.Add(f.Order[0]);
        }
        Assert.Equal(4, firsts.Count);
    }

    [Fact]
    public void Brightness_contrast_factors_lie_in_their_ranges_and_brightness_is_biased_darker()
    {
        var rbc = Table3<RandomBrightnessContrast>();
        var random = new SampleRandom(6);
        double betaSum = 0;
        for (int i = 0; i < Draws; i++)
        {
            var f = rbc.Draw(random);
            Assert.InRange(f.Alpha, 0.8, 1.2);
            Assert.InRange(f.Beta, -0.3, 0.1);
            betaSum += f.Beta;
        }
        Assert.InRange(betaSum / Draws, -0.12, -0.08); // mean of U(-0.3, 0.1) is -0.1
    }

    [Fact]
    public void Brightness_contrast_follows_the_brightness_by_max_formula()
    {
        var rbc = Table3<RandomBrightnessContrast>();
        var random = new SampleRandom(7);
        for (int i = 0; i < 50; i++)
        {
            using var image = new Mat(1, 1, MatType.CV_8UC3, new Scalar(10, 100, 250));
            var f = rbc.Draw(random);
            RandomBrightnessContrast.Apply(image, f);
            var px = image.At<Vec3b>(0, 0);
            Assert.Equal(Expected(10), px.Item0);
            Assert.Equal(Expected(100), px.Item1);
            Assert.Equal(Expected(250), px.Item2);

            byte Expected(int v) => (byte)Math.Clamp(Math.Round(v * f.Alpha + f.Beta * 255), 0, 255);
        }
    }

    [Fact]
    public void Blur_kernel_is_3_or_5_with_albumentations_odds_and_sigma_in_range()
    {
        var blur = Table3<GaussianBlur>();
        var random = new SampleRandom(8);
        int threes = 0;
        for (int i = 0; i < Draws; i++)
        {
            var k = blur.Draw(random);
            Assert.Contains(k.Size, new[] { 3, 5 });
            Assert.InRange(k.Sigma, 0.5, 3.0);
            if (k.Size == 3) threes++;
        }
        // randint(3, 5) then even -> odd: 3 with probability 1/3 (sd 21 of 2000).
        Assert.InRange(threes, 667 - 100, 667 + 100);
    }

    [Fact]
    public void Clahe_clip_limit_is_uniform_between_one_and_four()
    {
        var clahe = Table3<Clahe>();
        var random = new SampleRandom(9);
        var limits = Enumerable.Range(0, Draws).Select(_ => clahe.DrawClipLimit(random)).ToList();
        Assert.All(limits, l => Assert.InRange(l, 1.0, 4.0));
        Assert.InRange(limits.Average(), 2.4, 2.6);
        Assert.Equal(8, clahe.TileGridSize);
    }

    [Fact]
    public void Extreme_colour_shifts_lie_in_their_ranges()
    {
        var hsv = AugmentationPreset.Extreme.Transforms.OfType<HueSaturationValue>().Single();
        var rgb = AugmentationPreset.Extreme.Transforms.OfType<RgbShift>().Single();
        var random = new SampleRandom(10);
        for (int i = 0; i < Draws; i++)
        {
            var s = hsv.Draw(random);
            Assert.InRange(s.Hue, -20, 20);
            Assert.InRange(s.Saturation, -30, 30);
            Assert.InRange(s.Value, -20, 20);
            var c = rgb.Draw(random);
            Assert.InRange(c.Red, -20, 20);
            Assert.InRange(c.Green, -20, 20);
            Assert.InRange(c.Blue, -20, 20);
        }
    }
}
