using DesertSeg.Lab.Data;
using DesertSeg.Lab.Evaluation.Corruptions;
using OpenCvSharp;

namespace DesertSeg.Lab.Tests.Evaluation;

public class CorruptionTests
{
    private static readonly string[] Expected =
    [
        "gaussian_noise", "shot_noise", "impulse_noise",
        "defocus_blur", "glass_blur", "motion_blur", "zoom_blur",
        "snow", "frost", "fog", "brightness",
        "contrast", "elastic_transform", "pixelate", "jpeg_compression",
    ];

    // Corruptions that draw nothing at random, so the seed must not matter.
    private static readonly HashSet<string> Deterministic =
        ["defocus_blur", "zoom_blur", "brightness", "contrast", "pixelate", "jpeg_compression"];

    public static TheoryData<string> Names() => [.. Expected];

    // ---- registry ----

    [Fact]
    public void AllHoldsTheFifteenInThePapersOrderAndFamilies()
    {
        Assert.Equal(Expected, Corruptions.All.Select(c => c.Name));
        Assert.Equal(15, Corruptions.All.Select(c => c.Name).Distinct().Count());
        var families = Corruptions.All.GroupBy(c => c.Family).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(4, families.Count);
        Assert.Equal(3, families[CorruptionFamily.Noise]);
        Assert.Equal(4, families[CorruptionFamily.Blur]);
        Assert.Equal(4, families[CorruptionFamily.Weather]);
        Assert.Equal(4, families[CorruptionFamily.Digital]);
        Assert.Equal(CorruptionFamily.Weather, Corruptions.ByName("brightness").Family);
        Assert.Equal(CorruptionFamily.Digital, Corruptions.ByName("elastic_transform").Family);
        Assert.Same(Corruptions.All[4], Corruptions.ByName("glass_blur"));
    }

    [Fact]
    public void ByNameOfAnUnknownNameThrowsListingTheKnownNames()
    {
        var e = Assert.Throws<ArgumentException>(() => Corruptions.ByName("speckle_noise"));
        Assert.Contains("speckle_noise", e.Message);
        foreach (var name in Expected) Assert.Contains(name, e.Message);
    }

    [Fact]
    public void SeverityOutsideOneToFiveThrows()
    {
        var image = Synthetic(32, 32);
        foreach (var c in Corruptions.All)
        {
            Assert.Throws<ArgumentOutOfRangeException>(() => c.Apply(image, 0, 1));
            Assert.Throws<ArgumentOutOfRangeException>(() => c.Apply(image, 6, 1));
        }
    }

    // ---- every corruption: determinism, seeds, sizes ----

    [Theory]
    [MemberData(nameof(Names))]
    public void SameSeedSameBytesOtherSeedOtherBytesSizeKept(string name)
    {
        var corruption = Corruptions.ByName(name);
        var image = Synthetic(96, 64);
        var original = (byte[])image.Pixels.Clone();
        for (int severity = 1; severity <= 5; severity++)
        {
            var a = corruption.Apply(image, severity, 11);
            var b = corruption.Apply(image, severity, 11);
            var other = corruption.Apply(image, severity, 12);
            Assert.NotSame(image, a);
            Assert.Equal((96, 64), (a.Width, a.Height));
            Assert.Equal(a.Pixels, b.Pixels);
            if (Deterministic.Contains(name)) Assert.Equal(a.Pixels, other.Pixels);
            else Assert.NotEqual(a.Pixels, other.Pixels);
        }
        Assert.Equal(original, image.Pixels); // the input is left alone
    }

    [Fact]
    public void ParallelCallsGiveTheSameBytesAsOneAtATime()
    {
        // Scenes are corrupted on parallel threads: no shared random state may leak between calls.
        var image = Synthetic(64, 48);
        var jobs = Corruptions.All.SelectMany(c => new[] { 1, 3, 5 }.Select(s => (Corruption: c, Severity: s))).ToArray();
        var sequential = jobs.Select(j => j.Corruption.Apply(image, j.Severity, 21).Pixels).ToArray();
        var parallel = new byte[jobs.Length][];
        Parallel.For(0, jobs.Length, new ParallelOptions { MaxDegreeOfParallelism = 4 },
            i => parallel[i] = jobs[i].Corruption.Apply(image, jobs[i].Severity, 21).Pixels);
        for (int i = 0; i < jobs.Length; i++) Assert.Equal(sequential[i], parallel[i]);
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void SmallAndOddSizesWork(string name)
    {
        var corruption = Corruptions.ByName(name);
        foreach (var (w, h) in new[] { (32, 32), (45, 33) })
        {
            var image = Synthetic(w, h);
            for (int severity = 1; severity <= 5; severity++)
            {
                var result = corruption.Apply(image, severity, 3);
                Assert.Equal((w, h), (result.Width, result.Height));
                var mask = new RawMask(w, h, Enumerable.Range(0, w * h).Select(i => (ushort)(100 * (1 + i % 3))).ToArray());
                var moved = corruption.ApplyToMask(mask, severity, 3);
                Assert.Equal((w, h), (moved.Width, moved.Height));
            }
        }
    }

    // ---- severity ----

    // Excluded from the step-by-step check, because the reference is not monotone there either:
    // - elastic_transform: severities 1 and 2 carry large affine warps, 3..5 small ones;
    // - frost: from severity 3 to 4 the frost weight stays 0.7 while the image weight falls, so bright pixels move less
    //   (|(a - 1) x + b F| shrinks wherever b F > (1 - a) x);
    // - fog: severities 3 and 4 share the strength 2.5 and differ only in the plasma's roughness, so the change follows the draw;
    // - snow: severity 2 -> 3 trades many dim flakes (N(0.2, 0.3) above 0.5) for fewer, larger, brighter ones (N(0.55, 0.3)
    //   above 0.9, zoom 4) with the same whitening weight 0.7: the expected change is about equal, the sign follows the draw;
    // - jpeg_compression: quality 18 -> 15 is a small step, and quantisation error is not monotone in the step size for a
    //   given image (a coarser step can land closer).
    // Snow, fog and jpeg_compression must still change the image more at severity 5 than at 1.
    private static readonly HashSet<string> NotMonotone = ["elastic_transform", "frost", "fog", "snow", "jpeg_compression"];
    private static readonly HashSet<string> EndsStronger = ["fog", "snow", "jpeg_compression"];

    [Fact]
    public void DifferenceFromTheOriginalGrowsWithSeverity()
    {
        // 224 x 224: ImageNet-C's own size, so every parameter is the published one. Random ones averaged over three seeds.
        var image = Synthetic(224, 224);
        var failures = new List<string>();
        foreach (var corruption in Corruptions.All)
        {
            int[] seeds = Deterministic.Contains(corruption.Name) ? [1] : [1, 2, 3];
            var mad = Enumerable.Range(1, 5)
                .Select(s => seeds.Average(seed => MeanAbsoluteDifference(image, corruption.Apply(image, s, seed))))
                .ToArray();
            string line = $"{corruption.Name}: {string.Join(", ", mad.Select(m => m.ToString("F2")))}";
            if (mad[0] < 0.5) failures.Add($"{line} (severity 1 hardly changes the image)");
            if (!NotMonotone.Contains(corruption.Name) && Enumerable.Range(1, 4).Any(s => mad[s] < mad[s - 1]))
                failures.Add($"{line} (not monotone)");
            if (EndsStronger.Contains(corruption.Name) && mad[4] <= mad[0]) failures.Add($"{line} (severity 5 not above 1)");
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    // ---- hand-checked cases ----

    [Fact]
    public void BrightnessRaisesHsvValueByThePublishedAmount()
    {
        double[] shift = [0.1, 0.2, 0.3, 0.4, 0.5];
        var grey = Flat(40, 30, 100, 100, 100);
        // A coloured pixel: value 200/255; hue and saturation stay, so every channel scales by V'/V.
        var colour = Flat(8, 8, 200, 100, 50);
        for (int s = 1; s <= 5; s++)
        {
            // By hand: V = 100/255, V' = V + c, so each channel becomes 100 + 255c = 125.5, 151, 176.5, 202, 227.5.
            double expected = 100 + 255 * shift[s - 1];
            var result = Corruptions.ByName("brightness").Apply(grey, s, 0);
            Assert.All(result.Pixels, b => Assert.InRange(b, expected - 0.51, expected + 0.51));

            double v = 200 + 255 * shift[s - 1], top = Math.Min(v, 255), k = top / 200; // V' = min(V + c, 1)
            var coloured = Corruptions.ByName("brightness").Apply(colour, s, 0);
            Assert.InRange(coloured.Pixels[0], 200 * k - 0.51, 200 * k + 0.51);
            Assert.InRange(coloured.Pixels[1], 100 * k - 0.51, 100 * k + 0.51);
            Assert.InRange(coloured.Pixels[2], 50 * k - 0.51, 50 * k + 0.51);
        }
        // Severity 5 clips: 200/255 + 0.5 > 1, so V' = 1 and the pixel becomes (255, 127.5, 63.75).
        var clipped = Corruptions.ByName("brightness").Apply(colour, 5, 0);
        Assert.Equal(255, clipped.Pixels[0]);
        Assert.InRange(clipped.Pixels[1], 127, 128);
        Assert.InRange(clipped.Pixels[2], 63, 64);
    }

    [Fact]
    public void ContrastScalesTheDifferenceFromTheMeanByThePublishedFactor()
    {
        double[] factor = [0.4, 0.3, 0.2, 0.1, 0.05];
        // Left half (40, 80, 120), right half (200, 160, 100): channel means (120, 120, 110).
        var image = new RgbImage(40, 20);
        for (int y = 0; y < 20; y++)
            for (int x = 0; x < 40; x++)
                image[x, y] = x < 20 ? new Rgb(40, 80, 120) : new Rgb(200, 160, 100);
        double[] mean = [120, 120, 110];
        for (int s = 1; s <= 5; s++)
        {
            var result = Corruptions.ByName("contrast").Apply(image, s, 0);
            double c = factor[s - 1];
            // e.g. severity 1: left (120 - 80 * 0.4, 120 - 40 * 0.4, 110 + 10 * 0.4) = (88, 104, 114).
            double[] left = [mean[0] + (40 - mean[0]) * c, mean[1] + (80 - mean[1]) * c, mean[2] + (120 - mean[2]) * c];
            double[] right = [mean[0] + (200 - mean[0]) * c, mean[1] + (160 - mean[1]) * c, mean[2] + (100 - mean[2]) * c];
            var l = result[5, 5];
            var r = result[30, 15];
            Assert.InRange(l.R, left[0] - 0.51, left[0] + 0.51);
            Assert.InRange(l.G, left[1] - 0.51, left[1] + 0.51);
            Assert.InRange(l.B, left[2] - 0.51, left[2] + 0.51);
            Assert.InRange(r.R, right[0] - 0.51, right[0] + 0.51);
            Assert.InRange(r.G, right[1] - 0.51, right[1] + 0.51);
            Assert.InRange(r.B, right[2] - 0.51, right[2] + 0.51);
        }
    }

    [Fact]
    public void GaussianNoiseHasThePublishedStandardDeviation()
    {
        double[] sigma = [0.08, 0.12, 0.18];
        var image = Flat(128, 128, 128, 128, 128);
        // Severities 1..3: 128 is at least 2.8 sigma from 0 and 255, so clipping removes under 1% of the spread.
        for (int s = 1; s <= 3; s++)
        {
            var values = Corruptions.ByName("gaussian_noise").Apply(image, s, 5).Pixels.Select(b => (double)b).ToArray();
            double mean = values.Average();
            double sd = Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Length - 1));
            double expected = sigma[s - 1] * 255;
            Assert.InRange(sd, expected * 0.95, expected * 1.05);
            Assert.InRange(mean, 127, 129);
        }
    }

    [Fact]
    public void JpegCompressionIsADecodedLowQualityJpeg()
    {
        int[] quality = [25, 18, 15, 10, 7];
        var image = Synthetic(96, 64);
        var damages = new List<double>();
        for (int s = 1; s <= 5; s++)
        {
            var result = Corruptions.ByName("jpeg_compression").Apply(image, s, 0);
            double damage = MeanAbsoluteDifference(image, result);
            Assert.True(damage > 0.5, $"severity {s} barely changed the image ({damage:F2})");
            damages.Add(damage);
            // A decoded JPEG is nearly a fixed point of the same compression: compressing it again at the published
            // quality moves it far less than the first compression moved the original.
            var again = JpegRoundTrip(result, quality[s - 1]);
            Assert.True(MeanAbsoluteDifference(result, again) < damage / 2);
        }
        Assert.True(damages[4] > damages[0] * 1.1, string.Join(", ", damages.Select(d => d.ToString("F2")))); // quality 7 vs 25
        // JPEG's 8 x 8 blocks: on a smooth ramp, jumps across block boundaries are larger than jumps inside blocks.
        var ramp = new RgbImage(128, 64);
        for (int y = 0; y < 64; y++)
            for (int x = 0; x < 128; x++)
                ramp[x, y] = new Rgb((byte)(x * 1.5 + y * 0.4), (byte)(60 + x * 0.7), (byte)(200 - y * 1.5));
        var blocky = Corruptions.ByName("jpeg_compression").Apply(ramp, 5, 0);
        double across = 0, inside = 0;
        int nAcross = 0, nInside = 0;
        for (int y = 0; y < 64; y++)
            for (int x = 1; x < 128; x++)
            {
                double jump = Math.Abs(blocky[x, y].G - blocky[x - 1, y].G);
                if (x % 8 == 0) { across += jump; nAcross++; } else { inside += jump; nInside++; }
            }
        Assert.True(across / nAcross > 1.5 * (inside / nInside), $"across {across / nAcross:F2}, inside {inside / nInside:F2}");
    }

    [Fact]
    public void PixelateIsBlockwiseConstantWithTheExpectedBlockSize()
    {
        var image = Synthetic(96, 64);
        // 96 x 64 at c = 0.5 shrinks to 48 x 32 (2 x 2 blocks), at c = 0.25 to 24 x 16 (4 x 4 blocks).
        foreach (var (severity, block) in new[] { (2, 2), (5, 4) })
        {
            var result = Corruptions.ByName("pixelate").Apply(image, severity, 0);
            int changes = 0;
            for (int by = 0; by < 64; by += block)
                for (int bx = 0; bx < 96; bx += block)
                {
                    var first = result[bx, by];
                    double[] sum = new double[3];
                    for (int y = by; y < by + block; y++)
                        for (int x = bx; x < bx + block; x++)
                        {
                            Assert.Equal(first, result[x, y]);
                            var o = image[x, y];
                            sum[0] += o.R; sum[1] += o.G; sum[2] += o.B;
                        }
                    // The block holds the area average of the original block.
                    Assert.InRange(first.R, sum[0] / (block * block) - 1, sum[0] / (block * block) + 1);
                    Assert.InRange(first.G, sum[1] / (block * block) - 1, sum[1] / (block * block) + 1);
                    Assert.InRange(first.B, sum[2] / (block * block) - 1, sum[2] / (block * block) + 1);
                    if (bx > 0 && result[bx - 1, by] != first) changes++;
                }
            Assert.True(changes > 20, $"blocks of {block} look larger than {block}"); // neighbouring blocks do differ
        }
    }

    // ---- masks ----

    [Fact]
    public void ElasticTransformMovesTheMaskWithTheImage()
    {
        // Colour encodes the class: five regions of distinct colours and raw classes.
        Rgb[] palette = [new(230, 30, 30), new(30, 230, 30), new(30, 30, 230), new(230, 230, 30), new(30, 230, 230)];
        ushort[] classes = [100, 200, 300, 500, 800];
        const int w = 96, h = 64;
        var image = new RgbImage(w, h);
        var mask = new RawMask(w, h);
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
            {
                int k = (x - 60) * (x - 60) + (y - 30) * (y - 30) < 15 * 15 ? 4 : (x < 40 ? 0 : 1) + (y < 28 ? 0 : 2);
                image[x, y] = palette[k];
                mask[x, y] = classes[k];
            }
        var elastic = Corruptions.ByName("elastic_transform");
        for (int severity = 1; severity <= 5; severity++)
        {
            var moved = elastic.Apply(image, severity, 9);
            var movedMask = elastic.ApplyToMask(mask, severity, 9);
            Assert.Equal(movedMask.Values, elastic.ApplyToMask(mask, severity, 9).Values);
            Assert.All(movedMask.Values, v => Assert.Contains(v, classes)); // nearest neighbour: no blended labels
            int agree = 0, agreeUnmoved = 0;
            for (int y = 0; y < h; y++)
                for (int x = 0; x < w; x++)
                {
                    var p = moved[x, y];
                    int nearest = Enumerable.Range(0, 5).MinBy(i =>
                        Sq(p.R - palette[i].R) + Sq(p.G - palette[i].G) + Sq(p.B - palette[i].B));
                    if (classes[nearest] == movedMask[x, y]) agree++;
                    if (classes[nearest] == mask[x, y]) agreeUnmoved++;
                }
            double share = agree / (double)(w * h), shareUnmoved = agreeUnmoved / (double)(w * h);
            Assert.True(share > 0.95, $"severity {severity}: only {share:P1} of pixels keep their class colour");
            // Severity 2's affine warp moves whole regions: the unmoved mask no longer fits the image.
            if (severity == 2) Assert.True(shareUnmoved < share - 0.05, $"moved {share:P1}, unmoved {shareUnmoved:P1}");
        }
    }

    [Fact]
    public void OnlyElasticTransformMovesMasks()
    {
        var mask = new RawMask(48, 40, Enumerable.Range(0, 48 * 40).Select(i => (ushort)(100 + i % 7 * 100)).ToArray());
        foreach (var corruption in Corruptions.All.Where(c => c.Name != "elastic_transform"))
            for (int severity = 1; severity <= 5; severity++)
                Assert.Same(mask, corruption.ApplyToMask(mask, severity, 4));
        Assert.NotSame(mask, Corruptions.ByName("elastic_transform").ApplyToMask(mask, 3, 4));
    }

    // ---- helpers ----

    private static int Sq(int v) => v * v;

    /// <summary>A gradient with a disc, a bar and a fine checker: edges, flat areas and texture.</summary>
    private static RgbImage Synthetic(int width, int height)
    {
        var image = new RgbImage(width, height);
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
            {
                byte r = (byte)(30 + 190 * x / Math.Max(1, width - 1));
                byte g = (byte)(40 + 170 * y / Math.Max(1, height - 1));
                byte b = (byte)(((x / 3 + y / 3) % 2 == 0) ? 90 : 150);
                double dx = x - width * 0.65, dy = y - height * 0.5;
                if (dx * dx + dy * dy < Sq(Math.Min(width, height) / 4)) (r, g, b) = ((byte)240, (byte)230, (byte)40);
                if (Math.Abs(x - width / 4) < Math.Max(1, width / 24)) (r, g, b) = ((byte)20, (byte)20, (byte)60);
                image[x, y] = new Rgb(r, g, b);
            }
        return image;
    }

    private static RgbImage Flat(int width, int height, byte r, byte g, byte b)
    {
        var image = new RgbImage(width, height);
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++) image[x, y] = new Rgb(r, g, b);
        return image;
    }

    private static double MeanAbsoluteDifference(RgbImage a, RgbImage b)
    {
        long sum = 0;
        for (int i = 0; i < a.Pixels.Length; i++) sum += Math.Abs(a.Pixels[i] - b.Pixels[i]);
        return sum / (double)a.Pixels.Length;
    }

    private static RgbImage JpegRoundTrip(RgbImage image, int quality)
    {
        using var rgb = new Mat(image.Height, image.Width, MatType.CV_8UC3);
        System.Runtime.InteropServices.Marshal.Copy(image.Pixels, 0, rgb.Data, image.Pixels.Length);
        using var bgr = new Mat();
        Cv2.CvtColor(rgb, bgr, ColorConversionCodes.RGB2BGR);
        Cv2.ImEncode(".jpg", bgr, out byte[] jpeg, new ImageEncodingParam(ImwriteFlags.JpegQuality, quality));
        using var decoded = Cv2.ImDecode(jpeg, ImreadModes.Color);
        using var back = new Mat();
        Cv2.CvtColor(decoded, back, ColorConversionCodes.BGR2RGB);
        var bytes = new byte[image.Pixels.Length];
        System.Runtime.InteropServices.Marshal.Copy(back.Data, bytes, 0, bytes.Length);
        return new RgbImage(image.Width, image.Height, bytes);
    }
}
