using DesertSeg.Lab.Adaptation;
using DesertSeg.Lab.Checkpoints;
using DesertSeg.Lab.Data;
using DesertSeg.Lab.IO;
using DesertSeg.Lab.Training;
using OpenCvSharp;

namespace DesertSeg.Lab.Tests.Data;

/// <summary>
/// Every reader of a user's files, fed every way a file can be bad: each refuses with one line that names the file and
/// the problem (never a stack trace, never an allocation for an image too large to hold), and writes nothing.
/// </summary>
public class BadFileTests
{
    private static string Png(TempFolder dir, string name, int width, int height, MatType type)
    {
        string path = dir.Combine(name);
        using var mat = new Mat(height, width, type, Scalar.All(100));
        Cv2.ImWrite(path, mat);
        return path;
    }

    /// <summary>A valid PNG header that says 20000 x 20000 pixels, followed by nothing a decoder could use.</summary>
    private static string Huge(TempFolder dir, string name)
    {
        string path = dir.Combine(name);
        byte[] header = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, (byte)'I', (byte)'H', (byte)'D', (byte)'R',
            0, 0, 0x4E, 0x20, 0, 0, 0x4E, 0x20, 8, 2, 0, 0, 0, 0, 0, 0, 0];
        File.WriteAllBytes(path, header);
        return path;
    }

    private static IEnumerable<(string Case, string Path, string Expected)> BadImages(TempFolder dir)
    {
        string good = Png(dir, "good.png", 32, 18, MatType.CV_8UC3);
        File.WriteAllBytes(dir.Combine("empty.png"), []);
        yield return ("0-byte", dir.Combine("empty.png"), "empty (0 bytes)");
        File.WriteAllBytes(dir.Combine("truncated.png"), File.ReadAllBytes(good)[..40]);
        yield return ("truncated", dir.Combine("truncated.png"), "cannot be decoded");
        File.WriteAllText(dir.Combine("text.jpg"), "this is not an image\n");
        yield return ("text", dir.Combine("text.jpg"), "cannot be decoded");
        yield return ("20000x20000", Huge(dir, "huge.png"), "20000x20000 pixels");
    }

    private static void AssertOneLine(Exception e, string path, string expected)
    {
        Assert.Contains(path, e.Message);
        Assert.Contains(expected, e.Message);
        Assert.DoesNotContain('\n', e.Message.TrimEnd());
    }

    [Fact]
    public void HeaderCheck_FindsAJpegFrameBehindALongExifBlock_AndRefusesAHugeOne()
    {
        using var dir = new TempFolder();
        using var image = new Mat(30, 50, MatType.CV_8UC3, Scalar.All(90));
        byte[] jpeg = image.ImEncode(".jpg");
        // Two 60,000-byte APP1 segments after SOI push the frame header past the first 64 KiB the check reads first.
        var padded = new List<byte>(jpeg[..2]);
        for (int k = 0; k < 2; k++)
        {
            padded.AddRange([0xFF, 0xE1, 60000 >> 8, 60000 & 0xFF]);
            padded.AddRange(new byte[60000 - 2]);
        }
        padded.AddRange(jpeg[2..]);
        string path = dir.Combine("long-exif.jpg");
        File.WriteAllBytes(path, padded.ToArray());

        ImageFiles.CheckHeader(path);
        Assert.Equal((50, 30), (ImageFiles.ReadRgb(path).Width, ImageFiles.ReadRgb(path).Height));

        // The same block in front of a frame header that says 20000 x 20000: refused by name, not read as "not a JPEG".
        int sof = FindFrame(padded);
        padded[sof + 5] = 0x4E; padded[sof + 6] = 0x20; padded[sof + 7] = 0x4E; padded[sof + 8] = 0x20;
        File.WriteAllBytes(path, padded.ToArray());
        var error = Assert.Throws<DataFormatException>(() => ImageFiles.CheckHeader(path));
        Assert.Contains("long-exif.jpg", error.Message);
        Assert.Contains("20000x20000", error.Message);
    }

    /// <summary>Index of the first start-of-frame marker (baseline or progressive) of a JPEG.</summary>
    private static int FindFrame(List<byte> bytes)
    {
        for (int k = 2; k + 1 < bytes.Count; k++)
            if (bytes[k] == 0xFF && bytes[k + 1] is 0xC0 or 0xC2) return k;
        throw new InvalidOperationException("no frame header");
    }

    [Fact]
    public void ImageReader_NamesTheFileAndTheProblem()
    {
        using var dir = new TempFolder();
        foreach (var (_, path, expected) in BadImages(dir))
            AssertOneLine(Assert.Throws<DataFormatException>(() => ImageFiles.ReadRgb(path)), path, expected);
        // A 16-bit single-channel PNG where a photo is expected is a mask in the wrong folder.
        string mask = Png(dir, "mask.png", 32, 18, MatType.CV_16UC1);
        AssertOneLine(Assert.Throws<DataFormatException>(() => ImageFiles.ReadRgb(mask)), mask, "format of a Falcon mask");
        // 1x1 is small but an image: it is read.
        Assert.Equal((1, 1), (ImageFiles.ReadRgb(Png(dir, "one.png", 1, 1, MatType.CV_8UC3)).Width, 1));
    }

    [Fact]
    public void MaskReader_NamesTheFileAndTheProblem()
    {
        using var dir = new TempFolder();
        foreach (var (_, path, expected) in BadImages(dir))
            AssertOneLine(Assert.Throws<DataFormatException>(() => MaskFiles.ReadRaw(path)), path, expected);
        string eightBit = Png(dir, "eight.png", 32, 18, MatType.CV_8UC1);
        AssertOneLine(Assert.Throws<DataFormatException>(() => MaskFiles.ReadRaw(eightBit)), eightBit, "8-bit mask");
        Assert.Equal(1, MaskFiles.ReadRaw(Png(dir, "one.png", 1, 1, MatType.CV_16UC1)).Width);
    }

    [Fact]
    public void TargetFolder_NamesTheBadImage()
    {
        foreach (var bad in new[] { "0-byte", "truncated", "text", "20000x20000" })
        {
            using var dir = new TempFolder();
            var (_, path, expected) = BadImages(dir).Single(c => c.Case == bad);
            var folder = Directory.CreateDirectory(dir.Combine("target")).FullName;
            File.Move(dir.Combine("good.png"), Path.Combine(folder, "a.png"));
            string inFolder = Path.Combine(folder, "b" + Path.GetExtension(path));
            File.Move(path, inFolder);

            AssertOneLine(Assert.Throws<DataFormatException>(() => TargetImages.Open(folder)), inFolder, expected);
        }
    }

    [Fact]
    public void CheckpointReader_NamesTheFileAndTheProblem()
    {
        using var dir = new TempFolder();
        var cases = new (string Name, byte[] Bytes, string Expected)[]
        {
            ("empty.safetensors", [], "neither a PyTorch zip checkpoint"),
            ("text.pth", "not a checkpoint"u8.ToArray(), "neither a PyTorch zip checkpoint"),
            ("truncated.safetensors", File.ReadAllBytes(Fixtures.Path("partial_plain.safetensors"))[..200], "safetensors"),
            ("truncated.pth", File.ReadAllBytes(Fixtures.Path("partial_plain.pth"))[..300], "truncated.pth"),
        };
        foreach (var (name, bytes, expected) in cases)
        {
            string path = dir.Combine(name);
            File.WriteAllBytes(path, bytes);
            AssertOneLine(Assert.Throws<CheckpointException>(() => StateDict.Load(path)), path, expected);
        }
    }

    [Fact]
    public void RunFolderReader_NamesTheFileAndTheProblem()
    {
        using var dir = new TempFolder();
        var run = new RunDirectory(dir.Combine("run"));
        Directory.CreateDirectory(run.Path);
        foreach (var content in new[] { "", "not json", "{\"Phase\": \"5\"" })
        {
            File.WriteAllText(run.ConfigFile, content);
            AssertOneLine(Assert.Throws<DataFormatException>(() => run.ReadConfig()), run.ConfigFile, "unreadable");
            File.WriteAllText(run.StatusFile, content);
            AssertOneLine(Assert.Throws<DataFormatException>(() => run.ReadStatus()), run.StatusFile, "unreadable");
        }
        Assert.Equal(["config.json", "status.json"], Directory.GetFiles(run.Path).Select(Path.GetFileName).Order());
    }
}
