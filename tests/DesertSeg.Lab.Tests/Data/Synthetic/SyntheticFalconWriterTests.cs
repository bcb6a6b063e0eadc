using System.Text.RegularExpressions;
using DesertSeg.Lab.Data;
using DesertSeg.Lab.Data.Synthetic;
using DesertSeg.Lab.IO;
using OpenCvSharp;

namespace DesertSeg.Lab.Tests.Data.Synthetic;

public class SyntheticFalconWriterTests
{
    private static readonly HashSet<ushort> RawValues = FalconClass.All.Select(c => c.RawValue).ToHashSet();

    [Fact]
    public void WritesTheExactFalconLayout()
    {
        using var tmp = new TempFolder("synth");
        var spec = new SyntheticDatasetSpec(6, 2, 4, Seed: 5, Width: 192, Height: 108);
        var reports = new List<int>();
        SyntheticFalconWriter.Write(tmp.Path, spec, new SyncProgress(reports.Add));

        Assert.Equal(12, reports.Count);
        Assert.Equal(12, reports.Max());
        var expected = new[]
        {
            ("Offroad_Segmentation_Training_Dataset/train", 6, @"^(cc|mt|ww|w0)\d{7}\.png$"),
            ("Offroad_Segmentation_Training_Dataset/val", 2, @"^(cc|mt|ww|w0)\d{7}\.png$"),
            ("Offroad_Segmentation_testImages", 4, @"^\d{7}\.png$"),
        };
        var allNames = new List<string>();
        foreach (var (folder, count, pattern) in expected)
        {
            string images = tmp.Combine(folder, "Color_Images"), masks = tmp.Combine(folder, "Segmentation");
            var imageNames = Directory.GetFiles(images).Select(Path.GetFileName).Order().ToList();
            var maskNames = Directory.GetFiles(masks).Select(Path.GetFileName).Order().ToList();
            Assert.Equal(count, imageNames.Count);
            Assert.Equal(imageNames, maskNames); // same names, no temporary leftovers
            Assert.All(imageNames, n => Assert.Matches(new Regex(pattern), n!));
            allNames.AddRange(imageNames!);
            foreach (var name in imageNames)
            {
                using var img = Cv2.ImRead(Path.Combine(images, name!), ImreadModes.Unchanged);
                Assert.Equal(MatType.CV_8UC3, img.Type());
                Assert.Equal((192, 108), (img.Width, img.Height));
                using var m = Cv2.ImRead(Path.Combine(masks, name!), ImreadModes.Unchanged);
                Assert.Equal(MatType.CV_16UC1, m.Type());
                var mask = MaskFiles.ReadRaw(Path.Combine(masks, name!));
                Assert.All(mask.Values.Distinct(), v => Assert.Contains(v, RawValues));
            }
        }
        Assert.Equal(allNames.Count, allNames.Distinct().Count()); // train and val never share a name
        Assert.Contains("0000060.png", allNames);

        // Test split comes from the test environment, train from the training one.
        var testMask = MaskFiles.ReadRaw(tmp.Combine("Offroad_Segmentation_testImages", "Segmentation", "0000060.png"));
        Assert.DoesNotContain(FalconClass.ByName("Ground Clutter").RawValue, testMask.Values);

        Assert.True(File.Exists(tmp.Combine(SyntheticFalconWriter.ManifestFileName)));
        Assert.True(SyntheticFalconWriter.IsComplete(tmp.Path, spec));
        Assert.False(SyntheticFalconWriter.IsComplete(tmp.Path, spec with { Seed = 6 }));
    }

    [Fact]
    public void OutputDoesNotDependOnSchedulingAndManifestFingerprintsIt()
    {
        using var a = new TempFolder("synth-a");
        using var b = new TempFolder("synth-b");
        var spec = new SyntheticDatasetSpec(3, 1, 2, Seed: 11, Width: 128, Height: 72);
        SyntheticFalconWriter.Write(a.Path, spec);
        SyntheticFalconWriter.Write(b.Path, spec);
        var ma = SyntheticFalconWriter.ReadManifest(a.Path)!;
        var mb = SyntheticFalconWriter.ReadManifest(b.Path)!;
        Assert.Equal(ma.Fingerprint, mb.Fingerprint);
        Assert.Equal(spec, ma.Spec);
        foreach (var file in Directory.GetFiles(a.Path, "*.png", SearchOption.AllDirectories))
        {
            string rel = Path.GetRelativePath(a.Path, file);
            Assert.Equal(File.ReadAllBytes(file), File.ReadAllBytes(Path.Combine(b.Path, rel)));
        }
        using var c = new TempFolder("synth-c");
        SyntheticFalconWriter.Write(c.Path, spec with { Seed = 12 });
        Assert.NotEqual(ma.Fingerprint, SyntheticFalconWriter.ReadManifest(c.Path)!.Fingerprint);
    }

    [Fact]
    public void ScenesCopiedFromADonor_AreTheFilesRenderingWrites_AndADamagedOneIsRendered()
    {
        using var dir = new TempFolder("synth-donor");
        var donorSpec = new SyntheticDatasetSpec(8, 4, 3, Seed: 5, Width: 96, Height: 64, TargetCount: 2);
        SyntheticFalconWriter.Write(dir.Combine("donor"), donorSpec);
        // Shared with the donor: the 3 test scenes and the training desert's own scenes (environment 0: train 0, 4; val 0).
        var spec = donorSpec with { Environments = 4, TargetCount = 0 };
        string testScene = Path.Combine(SyntheticFalconWriter.SplitFolder(dir.Combine("donor"), SyntheticFalconWriter.Split.Test),
            FalconLayout.Images, SyntheticFalconWriter.FileName(donorSpec, SyntheticFalconWriter.Split.Test, 1));
        // A damaged donor scene (it still decodes, one pixel differs) must be rendered, not copied.
        using (var image = Cv2.ImRead(testScene))
        {
            image.At<Vec3b>(0, 0) = new Vec3b((byte)(image.At<Vec3b>(0, 0).Item0 ^ 1), 0, 0);
            Cv2.ImWrite(testScene, image);
        }

        int copied = SyntheticFalconWriter.Write(dir.Combine("copied"), spec, donor: dir.Combine("donor"));
        SyntheticFalconWriter.Write(dir.Combine("rendered"), spec);

        Assert.Equal(3 + 2 + 1 - 1, copied);
        Assert.Equal(SyntheticFalconWriter.ReadManifest(dir.Combine("rendered"))!.Fingerprint,
            SyntheticFalconWriter.ReadManifest(dir.Combine("copied"))!.Fingerprint);
        var rendered = Directory.GetFiles(dir.Combine("rendered"), "*.png", SearchOption.AllDirectories);
        Assert.Equal(2 * (8 + 4 + 3), rendered.Length);
        foreach (var file in rendered)
            Assert.Equal(File.ReadAllBytes(file), File.ReadAllBytes(Path.Combine(dir.Combine("copied"), Path.GetRelativePath(dir.Combine("rendered"), file))));
    }

    [Fact]
    public void InterruptedGenerationLeavesNoManifest()
    {
        using var tmp = new TempFolder("synth-cancel");
        var spec = new SyntheticDatasetSpec(40, 0, 0, Width: 128, Height: 72);
        using var cts = new CancellationTokenSource();
        var progress = new SyncProgress(n => { if (n >= 2) cts.Cancel(); });
        Assert.ThrowsAny<OperationCanceledException>(() => SyntheticFalconWriter.Write(tmp.Path, spec, progress, cts.Token));
        Assert.Null(SyntheticFalconWriter.ReadManifest(tmp.Path));
        Assert.False(SyntheticFalconWriter.IsComplete(tmp.Path, spec));
        // No half-written files: every file present is a complete PNG under its final name.
        Assert.Empty(Directory.GetFiles(tmp.Path, "*.tmp*", SearchOption.AllDirectories));
    }

    [Fact]
    public void DefaultSpecIsFalconSized()
    {
        var d = SyntheticDatasetSpec.Default;
        Assert.Equal((960, 540), (d.Width, d.Height));
        Assert.True(d.TrainCount > 0 && d.ValCount > 0 && d.TestCount > 0);
    }

    /// <summary>Reports on the calling thread (Progress&lt;T&gt; would post to the thread pool).</summary>
    private sealed class SyncProgress(Action<int> report) : IProgress<int>
    {
        private readonly object _gate = new();
        public void Report(int value) { lock (_gate) report(value); }
    }
}

public class SyntheticFalconWriterFolderTests
{
    [Fact]
    public void RegeneratingWithASmallerSpecLeavesExactlyTheNewSet()
    {
        using var tmp = new TempFolder("synth-regen");
        SyntheticFalconWriter.Write(tmp.Path, new SyntheticDatasetSpec(5, 2, 3, Width: 64, Height: 36));
        var small = new SyntheticDatasetSpec(2, 1, 1, Width: 64, Height: 36);
        SyntheticFalconWriter.Write(tmp.Path, small);
        Assert.Equal(2, Directory.GetFiles(tmp.Combine("Offroad_Segmentation_Training_Dataset", "train", "Color_Images")).Length);
        Assert.Equal(2, Directory.GetFiles(tmp.Combine("Offroad_Segmentation_Training_Dataset", "train", "Segmentation")).Length);
        Assert.Single(Directory.GetFiles(tmp.Combine("Offroad_Segmentation_testImages", "Segmentation")));
        Assert.True(SyntheticFalconWriter.IsComplete(tmp.Path, small));
        Assert.False(File.Exists(tmp.Combine(SyntheticFalconWriter.PartialFileName)));
    }

    [Fact]
    public void RefusesAFolderHoldingOtherData()
    {
        using var tmp = new TempFolder("synth-foreign");
        string real = tmp.Combine("Offroad_Segmentation_testImages", "Color_Images");
        Directory.CreateDirectory(real);
        File.WriteAllText(Path.Combine(real, "0000060.png"), "a real image");
        var e = Assert.Throws<IOException>(() =>
            SyntheticFalconWriter.Write(tmp.Path, new SyntheticDatasetSpec(1, 1, 1, Width: 64, Height: 36)));
        Assert.Contains("did not make", e.Message);
        Assert.Equal("a real image", File.ReadAllText(Path.Combine(real, "0000060.png")));
    }
}
