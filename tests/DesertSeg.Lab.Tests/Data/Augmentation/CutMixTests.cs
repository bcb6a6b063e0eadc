using DesertSeg.Lab.Data.Augmentation;

namespace DesertSeg.Lab.Tests.Data.Augmentation;

public class CutMixTests
{
    [Fact]
    public void BoxIsPastedIntoImageAndMaskFromTheBatchAsItWas()
    {
        // Two 4x4 images: image 0 is all 1s (mask 10), image 1 all 2s (mask 20). Boxes swap the same region both
        // ways; each must read the other image as it was before mixing.
        const int n = 2, h = 4, w = 4;
        var images = new float[n * 3 * h * w];
        var masks = new byte[n * h * w];
        Array.Fill(images, 1f, 0, 3 * h * w);
        Array.Fill(images, 2f, 3 * h * w, 3 * h * w);
        Array.Fill(masks, (byte)10, 0, h * w);
        Array.Fill(masks, (byte)20, h * w, h * w);

        CutMix.Apply([new CutMix.Box(0, 1, Top: 1, Left: 0, Bottom: 3, Right: 2), new CutMix.Box(1, 0, 1, 0, 3, 2)],
            images, masks, n, h, w);

        for (int img = 0; img < n; img++)
            for (int y = 0; y < h; y++)
                for (int x = 0; x < w; x++)
                {
                    bool inBox = y is >= 1 and < 3 && x < 2;
                    int own = img, other = 1 - img;
                    int from = inBox ? other : own;
                    Assert.Equal(from == 0 ? 10 : 20, masks[(img * h + y) * w + x]);
                    for (int c = 0; c < 3; c++) Assert.Equal(from == 0 ? 1f : 2f, images[((img * 3 + c) * h + y) * w + x]);
                }
    }

    [Fact]
    public void DrawsAreReproducibleInsideTheImageAndNeverFromItself()
    {
        var cutMix = new CutMix(Probability: 1.0);
        var first = cutMix.Draw(SampleRandom.ForBatch(42, 3, 7), 8, 144, 256);
        var again = cutMix.Draw(SampleRandom.ForBatch(42, 3, 7), 8, 144, 256);
        Assert.Equal(first, again);
        Assert.NotEmpty(first);
        Assert.All(first, b =>
        {
            Assert.NotEqual(b.Target, b.Source);
            Assert.InRange(b.Top, 0, 143);
            Assert.InRange(b.Bottom, b.Top + 1, 144);
            Assert.InRange(b.Left, 0, 255);
            Assert.InRange(b.Right, b.Left + 1, 256);
        });
        Assert.Empty(new CutMix(Probability: 0).Draw(SampleRandom.ForBatch(42, 3, 7), 8, 144, 256));
        Assert.Empty(cutMix.Draw(SampleRandom.ForBatch(42, 3, 7), 1, 144, 256));
    }

    [Fact]
    public void BetaDrawsHaveTheDistributionsMeans()
    {
        var random = new SampleRandom(5);
        double uniform = Enumerable.Range(0, 20000).Average(_ => random.Beta(1, 1));
        double skewed = Enumerable.Range(0, 20000).Average(_ => random.Beta(2, 5));
        // Standard errors over 20,000 draws: 0.002 and 0.001.
        Assert.InRange(uniform, 0.5 - 0.01, 0.5 + 0.01);
        Assert.InRange(skewed, 2.0 / 7 - 0.006, 2.0 / 7 + 0.006);
    }
}
