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
        int decodes = 0;
        (Mat, Mat) Decode()
        {
            decodes++;
            return (new Mat(9, 16, MatType.CV_8UC3, Scalar.All(7)), new Mat(9, 16, MatType.CV_8UC1, Scalar.All(1)));
        }

        // The loader's path: the first load decodes, the second is served from memory, and both give the same sample.
        var first = dataset.Load(0, seed: 5, epoch: 2);
        var second = dataset.Load(0, seed: 5, epoch: 2);
        Assert.Equal(first.Image, second.Image);
        Assert.Equal(first.Mask, second.Mask);

        // The cache itself: decode once per unchanged pair and scheme.
        var pair = split.Pairs[1];
        string scheme = "test-" + Guid.NewGuid().ToString("N");
        DecodedPairCache.Get(pair, scheme, Decode).Rgb.Dispose();
        var (rgb, indices) = DecodedPairCache.Get(pair, scheme, Decode);
        Assert.Equal(1, decodes);
        Assert.Equal(7, rgb.At<Vec3b>(3, 4).Item0);
        Assert.Equal(1, indices.At<byte>(8, 15));
        rgb.Dispose(); indices.Dispose();

        // Another scheme decodes its own masks.
        DecodedPairCache.Get(pair, scheme + "-other", Decode).Rgb.Dispose();
        Assert.Equal(2, decodes);

        // A file rewritten in place (another length and time) is decoded again.
        var (image, mask) = FalconFixture.Sample(16, 9, 99, 100, 200);
        File.SetLastWriteTimeUtc(pair.ImagePath, DateTime.UtcNow.AddMinutes(-5));
        FalconFixture.WritePair(Path.GetDirectoryName(Path.GetDirectoryName(pair.ImagePath))!, pair.Id, image, mask);
        DecodedPairCache.Get(pair, scheme, Decode).Rgb.Dispose();
        Assert.Equal(3, decodes);
    }
}
