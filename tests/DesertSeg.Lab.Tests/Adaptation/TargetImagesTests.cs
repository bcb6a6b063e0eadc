using DesertSeg.Lab.Adaptation;
using DesertSeg.Lab.Data;
using DesertSeg.Lab.Models;
using OpenCvSharp;
using static TorchSharp.torch;

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
        Assert.Contains("cannot be decoded as an image", e3.Message);
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

    [Fact]
    public void AUsersPhotos_JpegAndPngOfAnySize_AreTargetImages_AndAdaBnRunsOnThem()
    {
        using var dir = new TempFolder();
        string folder = dir.Combine("my-desert-photos");
        Directory.CreateDirectory(folder);
        var sizes = new (int Width, int Height, string Name)[] { (1280, 720, "a.jpg"), (333, 211, "b.JPEG"), (64, 48, "c.png") };
        foreach (var (w, h, name) in sizes)
        {
            using var mat = new Mat(h, w, MatType.CV_8UC3, new Scalar(40, 120, 200));
            Cv2.Circle(mat, new Point(w / 2, h / 2), Math.Min(w, h) / 3, new Scalar(20, 200, 90), -1);
            Cv2.ImWrite(Path.Combine(folder, name), mat);
        }

        var target = TargetImages.Open(folder);

        Assert.Equal(3, target.Count);
        Assert.Equal("my-desert-photos", target.Name);
        using (var batch = target.Batch([0, 1, 2], 32, 64, CPU))
            Assert.Equal(new long[] { 3, 3, 32, 64 }, batch.shape);
        using var model = DeepLabV3Plus.Create(new ModelConfig("resnet18", 3));
        model.eval();
        AdaptiveBatchNorm.Adapt(model, target, 32, 64, CPU, new AdaBnConfig(BatchSize: 2));
    }

    [Fact]
    public void AnEmptyFileIsNamedAsEmpty()
    {
        using var dir = new TempFolder();
        string folder = TestTimeAdaptationTests.WriteImages(dir, 2);
        string empty = Path.Combine(folder, "t998.jpg");
        File.WriteAllBytes(empty, []);

        var e = Assert.Throws<DataFormatException>(() => TargetImages.Open(folder));

        Assert.Contains(empty, e.Message);
        Assert.Contains("the file is empty (0 bytes)", e.Message);
    }

    [Fact]
    public void AResizedImageIsDecodedOncePerSize_TheSecondReadComesFromMemory()
    {
        using var dir = new TempFolder();
        string file = dir.Combine("a.png");
        using (var source = new Mat(40, 60, MatType.CV_8UC3))
        {
            Cv2.Randu(source, Scalar.All(0), Scalar.All(255));
            Cv2.ImWrite(file, source);
        }
        var target = TargetImages.Open(dir.Path);
        using var first = target.ReadRgb(0, 20, 30);
        byte[] expected = new byte[20 * 30 * 3];
        System.Runtime.InteropServices.Marshal.Copy(first.Data, expected, 0, expected.Length);

        // Without the file, the size read before still comes back (from memory, the same bytes); another size needs the file.
        File.Delete(file);
        using var second = target.ReadRgb(0, 20, 30);
        byte[] got = new byte[expected.Length];
        System.Runtime.InteropServices.Marshal.Copy(second.Data, got, 0, got.Length);
        Assert.Equal(expected, got);
        var e = Assert.Throws<DataFormatException>(() => target.ReadRgb(0, 10, 15));
        Assert.Contains("a.png", e.Message);
    }
}
