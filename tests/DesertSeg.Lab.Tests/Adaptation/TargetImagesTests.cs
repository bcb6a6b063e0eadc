using DesertSeg.Lab.Adaptation;
using DesertSeg.Lab.Data;

namespace DesertSeg.Lab.Tests.Adaptation;

/// <summary>The target folder is checked before any adaptation: bad input names the file;
/// overlap with the scored split is refused.</summary>
public class TargetImagesTests
{
    [Fact]
    public void MissingEmptyAndCorruptFoldersNameTheProblem()
    {
        using var dir = new TempFolder();
        string missing = dir.Combine("absent");
        var e1 = Assert.Throws<DataFormatException>(() => TargetImages.Open(missing));
        Assert.Contains(missing, e1.Message);
        Assert.Contains("not found", e1.Message);

        string empty = dir.Combine("empty");
        Directory.CreateDirectory(empty);
        File.WriteAllText(Path.Combine(empty, "notes.txt"), "no images");
        var e2 = Assert.Throws<DataFormatException>(() => TargetImages.Open(empty));
        Assert.Contains("no target images", e2.Message);

        string folder = TestTimeAdaptationTests.WriteImages(dir, 2);
        string corrupt = Path.Combine(folder, "t999.png");
        File.WriteAllBytes(corrupt, [0x89, 0x50, 0x4E, 0x47, 1, 2, 3]);
        var e3 = Assert.Throws<DataFormatException>(() => TargetImages.Open(folder));
        Assert.Contains(corrupt, e3.Message);
        Assert.Contains("does not decode", e3.Message);
    }

    [Fact]
    public void TargetImagesThatAreScoredImagesAreRefused_UnlessTransductive()
    {
        using var dir = new TempFolder();
        string scored = TestTimeAdaptationTests.WriteImages(dir, 3, "scored", seed: 7);
        string target = TestTimeAdaptationTests.WriteImages(dir, 3, "target", seed: 8);
        var split = FalconDataset.Open(scored).Splits[0];

        TargetImages.Open(target).CheckDisjointFrom(split, transductive: false); // disjoint: fine

        // The same bytes under another name are still the same image.
        string copy = Path.Combine(target, "renamed.png");
        File.Copy(Path.Combine(scored, "t001.png"), copy);
        var images = TargetImages.Open(target);
        var e = Assert.Throws<TargetOverlapException>(() => images.CheckDisjointFrom(split, transductive: false));
        Assert.Contains(copy, e.Message);
        Assert.Contains("--transductive", e.Message);
        images.CheckDisjointFrom(split, transductive: true);
    }
}
