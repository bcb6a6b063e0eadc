using DesertSeg.Lab.Data;

namespace DesertSeg.Lab.Tests.Data;

public class FalconDatasetTests
{
    [Fact]
    public void FindsTheThreeSplitsOfTheFalconLayoutAndPairsByName()
    {
        using var dir = new TempFolder();
        FalconFixture.WriteSmall(dir.Path);

        var dataset = FalconDataset.Open(dir.Path);

        Assert.Equal(["train", "val", "test"], dataset.Splits.Select(s => s.Name));
        Assert.Equal(3, dataset["train"].Count);
        Assert.All(dataset["train"].Pairs, p =>
            Assert.Equal(Path.GetFileName(p.ImagePath), Path.GetFileName(p.MaskPath)));
        Assert.Equal(["0000060", "0000061"], dataset["test"].Pairs.Select(p => p.Id));
    }

    [Fact]
    public void PlainColorImagesFolderIsOneSplit()
    {
        using var dir = new TempFolder();
        var (img, mask) = FalconFixture.Sample(8, 8, 1, 100);
        FalconFixture.WritePair(dir.Path, "a", img, mask);

        var dataset = FalconDataset.Open(dir.Path);

        var split = Assert.Single(dataset.Splits);
        Assert.True(split.HasMasks);
        Assert.Single(split.Pairs);
    }

    [Fact]
    public void ImageOnlyFolderIsASplitWithoutMasks()
    {
        using var dir = new TempFolder();
        var (img, _) = FalconFixture.Sample(8, 8, 1, 100);
        Lab.IO.ImageFiles.WriteRgb(dir.Combine("0000060.png"), img);

        var split = Assert.Single(FalconDataset.Open(dir.Path).Splits);

        Assert.False(split.HasMasks);
        Assert.Null(split.Pairs[0].MaskPath);
        var e = Assert.Throws<DataFormatException>(() => split.RequireComplete());
        Assert.Contains("no Segmentation folder", e.Message);
    }

    [Fact]
    public void MissingFolderIsNamed()
    {
        string missing = Path.Combine(Path.GetTempPath(), "no-such-desert-" + Guid.NewGuid().ToString("N"));
        var e = Assert.Throws<DataFormatException>(() => FalconDataset.Open(missing));
        Assert.Contains(missing, e.Message);
        Assert.Contains("not found", e.Message);
    }

    [Fact]
    public void EmptyFolderIsNamed()
    {
        using var dir = new TempFolder();
        var e = Assert.Throws<DataFormatException>(() => FalconDataset.Open(dir.Path));
        Assert.Contains(dir.Path, e.Message);
        Assert.Contains("no data set found", e.Message);
    }

    [Fact]
    public void EmptySplitIsNamed()
    {
        using var dir = new TempFolder();
        string images = Path.Combine(FalconFixture.TestFolder(dir.Path), FalconLayout.Images);
        Directory.CreateDirectory(images);

        var e = Assert.Throws<DataFormatException>(() => FalconDataset.Open(dir.Path));
        Assert.Contains(images, e.Message);
        Assert.Contains("empty", e.Message);
    }

    [Fact]
    public void UnpairedFilesAreListedAndRefusedForTraining()
    {
        using var dir = new TempFolder();
        FalconFixture.WriteSmall(dir.Path);
        string train = FalconFixture.TrainFolder(dir.Path);
        var (img, mask) = FalconFixture.Sample(16, 9, 5, 100);
        FalconFixture.WritePair(train, "cc0000099", img, null);
        Lab.IO.MaskFiles.WriteRaw(Path.Combine(train, FalconLayout.Masks, "ww0000042.png"), mask);

        var split = FalconDataset.Open(dir.Path)["train"];

        Assert.EndsWith("cc0000099.png", Assert.Single(split.ImagesWithoutMask));
        Assert.EndsWith("ww0000042.png", Assert.Single(split.MasksWithoutImage));
        var e = Assert.Throws<DataFormatException>(() => split.RequireComplete());
        Assert.Contains("cc0000099.png", e.Message);
        Assert.Contains("has no mask", e.Message);
    }
}
