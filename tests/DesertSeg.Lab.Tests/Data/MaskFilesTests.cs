using DesertSeg.Lab.Data;
using DesertSeg.Lab.IO;
using OpenCvSharp;

namespace DesertSeg.Lab.Tests.Data;

public class MaskFilesTests
{
    [Fact]
    public void SixteenBitMaskRoundTripsExactly()
    {
        using var dir = new TempFolder();
        var mask = new RawMask(37, 19);
        var rng = new Random(7);
        // Every class value, values no class uses, and the extremes of 16 bits.
        ushort[] pool = [.. FalconClass.All.Select(c => c.RawValue), 0, 1, 255, 256, 9999, 10001, 65535];
        for (int i = 0; i < mask.Values.Length; i++) mask.Values[i] = pool[rng.Next(pool.Length)];
        string path = dir.Combine("mask.png");

        MaskFiles.WriteRaw(path, mask);
        var back = MaskFiles.ReadRaw(path);

        Assert.Equal(mask.Width, back.Width);
        Assert.Equal(mask.Height, back.Height);
        Assert.Equal(mask.Values, back.Values);
    }

    [Fact]
    public void EightBitMaskIsRefusedNamingTheFile()
    {
        using var dir = new TempFolder();
        string path = dir.Combine("cc0000013.png");
        using (var eight = new Mat(4, 4, MatType.CV_8UC1, new Scalar(39))) Cv2.ImWrite(path, eight);

        var error = Assert.Throws<DataFormatException>(() => MaskFiles.ReadRaw(path));
        Assert.Equal(path, error.Path);
        Assert.Contains("cc0000013.png", error.Message);
        Assert.Contains("8-bit", error.Message);
    }

    [Fact]
    public void ThreeChannelMaskUsesChannelZero()
    {
        using var dir = new TempFolder();
        string path = dir.Combine("three.png");
        using (var mat = new Mat(2, 3, MatType.CV_16UC3, new Scalar(800, 1, 2))) Cv2.ImWrite(path, mat);

        var mask = MaskFiles.ReadRaw(path);

        Assert.All(mask.Values, v => Assert.Equal(800, v));
    }

    [Fact]
    public void CorruptAndMissingFilesAreNamed()
    {
        using var dir = new TempFolder();
        string corrupt = dir.Combine("broken.png");
        File.WriteAllBytes(corrupt, [0x89, 0x50, 0x4E, 0x47, 1, 2, 3, 4, 5]);
        string missing = dir.Combine("missing.png");

        var e1 = Assert.Throws<DataFormatException>(() => MaskFiles.ReadRaw(corrupt));
        var e2 = Assert.Throws<DataFormatException>(() => ImageFiles.ReadRgb(missing));

        Assert.Contains("broken.png", e1.Message);
        Assert.Contains("cannot be decoded", e1.Message);
        Assert.Contains("missing.png", e2.Message);
        Assert.Contains("not found", e2.Message);
    }

    [Fact]
    public void RgbImageRoundTripsThroughPng()
    {
        using var dir = new TempFolder();
        var image = new RgbImage(5, 3);
        for (int i = 0; i < image.Pixels.Length; i++) image.Pixels[i] = (byte)(i * 17);
        string path = dir.Combine("img.png");

        ImageFiles.WriteRgb(path, image);
        var back = ImageFiles.ReadRgb(path);

        Assert.Equal(image.Pixels, back.Pixels);
        Assert.Equal((5, 3), ImageFiles.ReadSize(path));
    }
}
