using DesertSeg.Lab.Data;
using DesertSeg.Lab.Data.Augmentation;
using DesertSeg.Lab.Data.Loading;
using OpenCvSharp;

namespace DesertSeg.Lab.Tests.Data.Loading;

public class DecodedPairCacheTests
{
    [Fact]
    public void ASecondLoadComesFromMemory_AndEqualsTheDecodedOne_AndARewrittenFileIsDecodedAgain()
    {
        using var dir = new TempFolder();
        FalconFixture.WriteSmall(dir.Path);
        var split = FalconDataset.Open(dir.Path)[FalconLayout.Train];
        var dataset = new SegmentationDataset(split, ClassScheme.SevenClass, new AugmentationPipeline(AugmentationPreset.Table3, 8, 16));
        int images = 0, masks = 0;
        Mat DecodeImage()
        {
            images++;
            return new Mat(9, 16, MatType.CV_8UC3, Scalar.All(7));
        }
        Mat DecodeMask(Size size)
        {
            masks++;
            Assert.Equal(new Size(16, 9), size);
            return new Mat(9, 16, MatType.CV_8UC1, Scalar.All(1));
        }

        // The loader's path: the first load decodes, the second is served from memory, and both give the same sample.
        var first = dataset.Load(0, seed: 5, epoch: 2);
        var second = dataset.Load(0, seed: 5, epoch: 2);
        Assert.Equal(first.Image, second.Image);
        Assert.Equal(first.Mask, second.Mask);

        // The cache itself: decode once per unchanged pair and scheme.
        var pair = split.Pairs[1];
        string scheme = "test-" + Guid.NewGuid().ToString("N");
        // The image may be held already by the load above; start from none of this test's own.
        File.SetLastWriteTimeUtc(pair.ImagePath, DateTime.UtcNow.AddMinutes(-10));
        Dispose(DecodedPairCache.Get(pair, scheme, DecodeImage, DecodeMask));
        var (rgb, indices) = DecodedPairCache.Get(pair, scheme, DecodeImage, DecodeMask);
        Assert.Equal((1, 1), (images, masks));
        Assert.Equal(7, rgb.At<Vec3b>(3, 4).Item0);
        Assert.Equal(1, indices.At<byte>(8, 15));
        rgb.Dispose(); indices.Dispose();

        // Another scheme decodes its own masks, and shares the image.
        Dispose(DecodedPairCache.Get(pair, scheme + "-other", DecodeImage, DecodeMask));
        Assert.Equal((1, 2), (images, masks));

        // A file rewritten in place (another length and time) is decoded again.
        var (image, mask) = FalconFixture.Sample(16, 9, 99, 100, 200);
        File.SetLastWriteTimeUtc(pair.ImagePath, DateTime.UtcNow.AddMinutes(-5));
        FalconFixture.WritePair(Path.GetDirectoryName(Path.GetDirectoryName(pair.ImagePath))!, pair.Id, image, mask);
        Dispose(DecodedPairCache.Get(pair, scheme, DecodeImage, DecodeMask));
        Assert.Equal((2, 3), (images, masks));
    }

    [Fact]
    public void TheScorersPairs_DecodedOrHeld_AreWhatDecodingGives()
    {
        using var dir = new TempFolder();
        FalconFixture.WriteSmall(dir.Path);
        var pairs = FalconDataset.Open(dir.Path)[FalconLayout.Train].Pairs;
        foreach (var scheme in new[] { ClassScheme.SevenClass, ClassScheme.TenClass })
            foreach (var pair in pairs)
            {
                var (image, raw) = Lab.Evaluation.SplitScorer.ReadPair(pair); // no cache
                for (int read = 0; read < 2; read++) // decoded, then (budget allowing) held
                {
                    var (held, truth) = Lab.Evaluation.SplitScorer.ReadPair(pair, scheme);
                    Assert.Equal((image.Width, image.Height), (held.Width, held.Height));
                    Assert.Equal(image.Pixels, held.Pixels);
                    Assert.Equal(scheme.Remap(raw.Values), truth);
                }
            }
    }

    private static void Dispose((Mat Rgb, Mat Indices) pair)
    {
        pair.Rgb.Dispose();
        pair.Indices.Dispose();
    }
}
