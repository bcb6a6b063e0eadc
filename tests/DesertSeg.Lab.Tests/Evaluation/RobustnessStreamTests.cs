using DesertSeg.Lab.Data;
using DesertSeg.Lab.Evaluation.Corruptions;
using DesertSeg.Lab.Evaluation.Robustness;
using DesertSeg.Lab.Tests.Inference;

namespace DesertSeg.Lab.Tests.Evaluation;

/// <summary>TENT on val-C: how many updates precede each scored batch, per set and in the continual stream.</summary>
public class RobustnessStreamTests : IClassFixture<TinyModel>
{
    private readonly TinyModel _tiny;
    public RobustnessStreamTests(TinyModel tiny) => _tiny = tiny;

    [Fact]
    public void TentPerSetStartsEverySetUnadapted_TheContinualStreamCarriesEveryEarlierSetsUpdates()
    {
        var split = FalconDataset.Open(_tiny.Data)[FalconLayout.Train].RequireComplete();
        int images = split.Count, batch = 1; // one image per batch: every image after the first sees an update
        Assert.True(images >= 2, "the fixture's train split needs two images for an update to reach a scored one");
        var corruptions = new[] { Corruptions.ByName("gaussian_noise"), Corruptions.ByName("contrast") };
        string checkpoint = Path.Combine(_tiny.RunFolder, "checkpoints", "best.safetensors");
        string cache = _tiny.Combine("val-c");

        var perSet = RobustnessSuite.Score(checkpoint, split, AdaptationAtTest.Tent, corruptions, [1, 3], cache, batchSize: batch);
        var stream = RobustnessSuite.Score(checkpoint, split, AdaptationAtTest.TentContinual, corruptions, [1, 3], cache, batchSize: batch);

        Assert.All(perSet.Cells, c => Assert.Equal((0, images), (c.UpdatesBefore, c.Updates)));
        Assert.Equal(Enumerable.Range(0, 4).Select(k => k * images), stream.Cells.Select(c => c.UpdatesBefore));
        Assert.All(stream.Cells, c => Assert.Equal(images, c.Updates));
        // The first set meets the source model either way.
        Assert.Equal(perSet.Cells[0].MeanIoU, stream.Cells[0].MeanIoU, 6);
    }

    [Fact]
    public void CorruptingAtTheInputSize_ResizesImageAndMaskFirst_AndKeepsACacheOfItsOwn()
    {
        var split = FalconDataset.Open(_tiny.Data)[FalconLayout.Val].RequireComplete();
        var (width, height) = DesertSeg.Lab.IO.ImageFiles.ReadSize(split.Pairs[0].ImagePath);
        string cache = _tiny.Combine("val-c-sizes");
        var noise = Corruptions.ByName("gaussian_noise");

        var camera = CorruptedSplits.Ensure(split, noise, 2, cache);
        var input = CorruptedSplits.Ensure(split, noise, 2, cache, corruptAt: (8, 4));

        Assert.Equal((width, height), DesertSeg.Lab.IO.ImageFiles.ReadSize(camera.Pairs[0].ImagePath));
        Assert.Equal((8, 4), DesertSeg.Lab.IO.ImageFiles.ReadSize(input.Pairs[0].ImagePath));
        var mask = DesertSeg.Lab.IO.MaskFiles.ReadRaw(input.Pairs[0].MaskPath!);
        Assert.Equal((8, 4), (mask.Width, mask.Height));
        Assert.NotEqual(CorruptedSplits.FolderOf(camera), CorruptedSplits.FolderOf(input));
    }
}
