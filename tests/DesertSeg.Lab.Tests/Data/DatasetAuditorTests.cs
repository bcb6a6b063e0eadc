using DesertSeg.Lab.Data;
using DesertSeg.Lab.Data.Audit;
using DesertSeg.Lab.IO;
using OpenCvSharp;

namespace DesertSeg.Lab.Tests.Data;

public class DatasetAuditorTests
{
    /// <summary>Class shares and mean RGB computed here straight from the files, independently of the auditor.</summary>
    private static (Dictionary<int, long> Values, double[] MeanRgb, Dictionary<int, double[]> ClassRgbSums) Independent(DataSplit split)
    {
        var values = new Dictionary<int, long>();
        var classSums = new Dictionary<int, double[]>();
        double r = 0, g = 0, b = 0; long n = 0;
        foreach (var pair in split.Pairs)
        {
            using var mask = Cv2.ImRead(pair.MaskPath!, ImreadModes.Unchanged);
            int rows = mask.Rows, cols = mask.Cols;
            for (int y = 0; y < rows; y++)
                for (int x = 0; x < cols; x++)
                {
                    int v = mask.At<ushort>(y, x);
                    values[v] = values.GetValueOrDefault(v) + 1;
                }
            using var img = Cv2.ImRead(pair.ImagePath, ImreadModes.Color);
            for (int y = 0; y < rows; y++)
                for (int x = 0; x < cols; x++)
                {
                    var px = img.At<Vec3b>(y, x);
                    b += px.Item0; g += px.Item1; r += px.Item2; n++;
                    int v = mask.At<ushort>(y, x);
                    if (!classSums.TryGetValue(v, out var sums)) classSums[v] = sums = new double[3];
                    sums[0] += px.Item2; sums[1] += px.Item1; sums[2] += px.Item0;
                }
        }
        return (values, [r / n, g / n, b / n], classSums);
    }

    [Fact]
    public void ClassSharesAndMeanRgbMatchAnIndependentCount()
    {
        using var dir = new TempFolder();
        FalconFixture.WriteSmall(dir.Path);
        var dataset = FalconDataset.Open(dir.Path);

        var audit = DatasetAuditor.Audit(dataset);

        foreach (var split in dataset.Splits)
        {
            var (values, mean, classSums) = Independent(split);
            var result = audit[split.Name];
            long total = values.Values.Sum();
            foreach (var c in FalconClass.All)
            {
                long expected = values.GetValueOrDefault(c.RawValue);
                Assert.Equal(expected, result[c.Name].Pixels);
                Assert.Equal((double)expected / total, result[c.Name].Share, 12);
                if (expected == 0) Assert.Null(result[c.Name].MeanRgb);
                else for (int ch = 0; ch < 3; ch++) Assert.Equal(classSums[c.RawValue][ch] / expected, result[c.Name].MeanRgb![ch], 9);
            }
            for (int ch = 0; ch < 3; ch++) Assert.Equal(mean[ch], result.MeanRgb[ch], 9);
            Assert.Equal(split.Pairs.Count * 16L * 9 * 3, result.RgbHistograms.Sum(h => h.Sum()));
            Assert.Equal(new Dictionary<string, int> { ["16x9"] = split.Pairs.Count }, result.ImageSizes);
            Assert.Equal(new Dictionary<string, int> { ["16-bit, 1 channel"] = split.Pairs.Count }, result.MaskFormats);
        }
        Assert.Empty(audit.Problems);
    }

    [Fact]
    public void AbsentClassesAreFound()
    {
        using var dir = new TempFolder();
        FalconFixture.WriteSmall(dir.Path);

        var audit = DatasetAuditor.Audit(FalconDataset.Open(dir.Path));

        Assert.Equal(["Trees", "Lush Bushes", "Dry Grass", "Ground Clutter", "Flowers", "Logs"], audit["test"].AbsentClasses);
        Assert.Equal(["Dry Bushes"], audit["train"].AbsentClasses);
        var table = audit.ClassShareFrame();
        int flowers = FalconClass.All.ToList().FindIndex(c => c.Name == "Flowers");
        Assert.Equal("Absent in test", table["Status"][flowers]);
    }

    [Fact]
    public void UnknownMaskValuesAreCounted()
    {
        using var dir = new TempFolder();
        var (img, mask) = FalconFixture.Sample(10, 4, 3, 100, 0, 650, 10000);
        FalconFixture.WritePair(dir.Path, "x", img, mask);

        var split = DatasetAuditor.Audit(FalconDataset.Open(dir.Path)).Splits[0];

        Assert.Equal([0, 650], split.UnknownValues);
        Assert.Equal(20, split.UnknownValuePixels);
        Assert.Equal(0.5, split["Trees"].Share, 12); // shares are of labelled pixels only
    }

    [Fact]
    public void BadFilesBecomeProblemsNamingTheFile()
    {
        using var dir = new TempFolder();
        FalconFixture.WriteSmall(dir.Path);
        string train = FalconFixture.TrainFolder(dir.Path);
        // A corrupt image, an 8-bit mask, and a mask whose size differs from its image.
        File.WriteAllBytes(Path.Combine(train, FalconLayout.Images, "cc0000000.png"), [1, 2, 3]);
        using (var eight = new Mat(9, 16, MatType.CV_8UC1, new Scalar(39)))
            Cv2.ImWrite(Path.Combine(train, FalconLayout.Masks, "cc0000001.png"), eight);
        MaskFiles.WriteRaw(Path.Combine(train, FalconLayout.Masks, "cc0000002.png"),
            new RawMask(8, 8, Enumerable.Repeat((ushort)100, 64).ToArray()));

        var problems = DatasetAuditor.Audit(FalconDataset.Open(dir.Path)).Problems;

        Assert.Equal(3, problems.Count);
        Assert.Contains(problems, p => p.Path.EndsWith(Path.Combine(FalconLayout.Images, "cc0000000.png"))
            && p.Problem.Contains("decoded"));
        Assert.Contains(problems, p => p.Path.EndsWith("cc0000001.png") && p.Problem.Contains("8-bit"));
        Assert.Contains(problems, p => p.Path.EndsWith("cc0000002.png") && p.Problem.Contains("8x8") && p.Problem.Contains("16x9"));
    }
}
