using DesertSeg.Lab.Data;
using DesertSeg.Lab.Evaluation;
using DesertSeg.Lab.Inference;
using DesertSeg.Lab.IO;
using DesertSeg.Lab.Reporting;
using DesertSeg.Lab.Reporting.Charts;
using DesertSeg.Lab.Tests.Data;
using DesertSeg.Lab.Tests.Inference;
using OpenCvSharp;

namespace DesertSeg.Lab.Tests.Evaluation;

public class ScorerTests
{
    private static string WriteMasks(string folder, params (string Id, RawMask Mask)[] masks)
    {
        foreach (var (id, mask) in masks) MaskFiles.WriteRaw(Path.Combine(folder, id + ".png"), mask);
        return folder;
    }

    private static RawMask Bands(params ushort[] values) => FalconFixture.Sample(12, 6, 0, values).Mask;

    [Fact]
    public void FolderAgainstItselfScoresOneForEveryPresentClass()
    {
        using var dir = new TempFolder();
        string gt = WriteMasks(dir.Combine("gt"), ("a", Bands(10000, 7100, 800)), ("b", Bands(300, 100, 100)));

        var score = PredictionFolderScorer.Score(gt, gt);

        var m = score.Metrics;
        foreach (var name in new[] { "Sky", "Landscape", "Rocks", "Dry Grass", "Trees" }) Assert.Equal(1.0, score.IoU(name)!.Value, 5);
        Assert.Null(score.IoU("Ground Clutter"));
        Assert.Equal(1.0, m.PixelAccuracy);
        Assert.Equal(12 * 6 * 2, m.Pixels);
        Assert.Equal(2, score.Images.Count);
        Assert.Contains("prediction files", score.Label);
    }

    [Fact]
    public void UnknownTruthValuesAreIgnoredLikeTheLookUpTable()
    {
        using var dir = new TempFolder();
        string gt = WriteMasks(dir.Combine("gt"), ("a", Bands(10000, 0, 42)));
        string pred = WriteMasks(dir.Combine("pred"), ("a", Bands(10000, 800, 800)));

        var score = PredictionFolderScorer.Score(pred, gt);

        Assert.Equal(12 * 2, score.Metrics.Pixels);
        Assert.Equal(1.0, score.Metrics.PixelAccuracy);
    }

    [Fact]
    public void SevenClassSchemeIgnoresAbsentClassTruthAndRefusesTheirPredictions()
    {
        using var dir = new TempFolder();
        string gt = WriteMasks(dir.Combine("gt"), ("a", Bands(10000, 550, 800)));
        string pred = WriteMasks(dir.Combine("pred"), ("a", Bands(10000, 7100, 800)));

        var score = PredictionFolderScorer.Score(pred, gt, ClassScheme.SevenClass);
        Assert.Equal(1.0, score.Metrics.PixelAccuracy); // Ground Clutter truth pixels are not counted
        var ten = PredictionFolderScorer.Score(pred, gt, ClassScheme.TenClass);
        Assert.Equal(0.0, ten.IoU("Ground Clutter")!.Value);

        var e = Assert.Throws<DataFormatException>(() => PredictionFolderScorer.Score(gt, gt, ClassScheme.SevenClass));
        Assert.Contains("Ground Clutter (550)", e.Message);
    }

    [Fact]
    public void BadPredictionFoldersNameTheFiles()
    {
        using var dir = new TempFolder();
        string gt = WriteMasks(dir.Combine("gt"), ("a", Bands(10000)), ("b", Bands(800)));

        string missing = WriteMasks(dir.Combine("missing"), ("a", Bands(10000)));
        var e1 = Assert.Throws<DataFormatException>(() => PredictionFolderScorer.Score(missing, gt));
        Assert.Contains(Path.Combine(gt, "b.png"), e1.Message);

        string sized = WriteMasks(dir.Combine("sized"), ("a", Bands(10000)), ("b", new RawMask(5, 5)));
        var e2 = Assert.Throws<DataFormatException>(() => PredictionFolderScorer.Score(sized, gt));
        Assert.Contains(Path.Combine(sized, "b.png"), e2.Message);
        Assert.Contains(Path.Combine(gt, "b.png"), e2.Message);
        Assert.Contains("5x5", e2.Message);

        string unknown = WriteMasks(dir.Combine("unknown"), ("a", Bands(10000)), ("b", Bands(800, 42)));
        var e3 = Assert.Throws<DataFormatException>(() => PredictionFolderScorer.Score(unknown, gt));
        Assert.Contains(Path.Combine(unknown, "b.png"), e3.Message);
        Assert.Contains("42", e3.Message);

        string eight = WriteMasks(dir.Combine("eight"), ("a", Bands(10000)));
        using (var mat = new Mat(6, 12, MatType.CV_8UC1, new Scalar(39))) Cv2.ImWrite(Path.Combine(eight, "b.png"), mat);
        var e4 = Assert.Throws<DataFormatException>(() => PredictionFolderScorer.Score(eight, gt));
        Assert.Contains(Path.Combine(eight, "b.png"), e4.Message);
        Assert.Contains("8-bit", e4.Message);
    }

    [Fact]
    public void ModelScoresCountEveryLabelledPixelUnderBothProtocols()
    {
        using var dir = new TempFolder();
        FalconFixture.WriteSmall(dir.Path);
        var test = FalconDataset.Open(dir.Path)["test"];
        using var predictor = TinyModel.Predictor(classes: 10, seed: 3);

        var native = SplitScorer.Score(predictor, test);
        var input = SplitScorer.Score(predictor, test, new ScoringOptions(ScoringProtocol.InputSize));
        var suppressed = SplitScorer.Score(predictor, test,
            new ScoringOptions(Prediction: new PredictionOptions(Suppression: AbsentClassSuppression.FromSplit(test))));

        Assert.Equal(2 * 16 * 9, native.Confusion.Total); // native: the images' own 16x9 pixels
        Assert.Equal(2 * TinyModel.Height * TinyModel.Width, input.Confusion.Total);
        Assert.Contains("native", native.Label);
        Assert.Contains("original's protocol", input.Label);
        // Each image's confusion, counted here by hand from the predictor's own native prediction and the
        // remapped mask; the split's matrix is their sum.
        var summed = new long[10, 10];
        var rgb = test.Pairs.Select(p => ImageFiles.ReadRgb(p.ImagePath)).ToList();
        // One batch, as the scorer runs them (a batched forward may round differently from a single one).
        var batch = predictor.PredictIndices(rgb, rgb.Select(i => (i.Height, i.Width)).ToList());
        foreach (var (pair, predicted) in test.Pairs.Zip(batch))
        {
            var truth = ClassScheme.TenClass.Remap(MaskFiles.ReadRaw(pair.MaskPath!).Values);
            var expected = new long[10, 10];
            for (int i = 0; i < truth.Length; i++)
                if (truth[i] != ClassScheme.Ignore) expected[truth[i], predicted[i]]++;
            Assert.Equal(expected, native.Images.Single(im => im.Id == pair.Id).Confusion.ToArray());
            for (int t = 0; t < 10; t++) for (int p = 0; p < 10; p++) summed[t, p] += expected[t, p];
        }
        Assert.Equal(summed, native.Confusion.ToArray());
        // Suppression: no pixel is predicted as a class absent from the split.
        foreach (var name in AbsentClassSuppression.FromSplit(test).ClassNames)
            Assert.Equal(0, suppressed.Metrics.PredictedPixels[ClassScheme.TenClass.IndexOf(name)]);
    }

    [Fact]
    public void FailureAnalysisFramesAndCharts()
    {
        using var dir = new TempFolder();
        // Rocks -> Ground Clutter on 2 of 3 rows of one image: "where Rocks go" is 2/3 Ground Clutter.
        string gt = WriteMasks(dir.Combine("gt"), ("a", Bands(800, 800, 800)), ("b", Bands(10000, 7100)));
        string pred = WriteMasks(dir.Combine("pred"), ("a", Bands(550, 550, 800)), ("b", Bands(10000, 7100)));
        var score = PredictionFolderScorer.Score(pred, gt);

        var goes = FailureAnalysis.WhereClassGoes(score, "Rocks");
        Assert.Equal("Ground Clutter", goes["Predicted as"][0]);
        Assert.Equal(2.0 / 3, (double)goes["Share"][0]!, 6);
        Assert.Equal(2.0 / 3, FailureAnalysis.Share(score, "Rocks", "Ground Clutter")!.Value, 6);
        Assert.Equal("a", FailureAnalysis.Worst(score, 1).Single().Id);
        // Validation scored perfectly, test as above: Rocks IoU 1 vs 1/3 (one of three rows right), Sky 1 vs 1.
        var val = PredictionFolderScorer.Score(gt, gt);
        var valTest = FailureAnalysis.ValTestFrame(val, score);
        int rocks = ClassScheme.TenClass.IndexOf("Rocks"), sky = ClassScheme.TenClass.IndexOf("Sky");
        Assert.Equal(1.0 / 3, (double)valTest["Test IoU"][rocks]!, 5);
        Assert.Equal(2.0 / 3, (double)valTest["Gap"][rocks]!, 5);
        Assert.Equal(0.0, (double)valTest["Gap"][sky]!, 5);
        Assert.Equal(50.0, (double)valTest["Test px %"][rocks]!, 9); // 72 of 144 labelled pixels are Rocks
        Assert.Equal(["Class", "Val IoU", "Test IoU", "Gap", "Test px %", "Report val IoU", "Report test IoU"],
            valTest.Columns.Select(c => c.Name));
        Assert.Equal(0.983, (double)valTest["Report test IoU"][9]!);
        Assert.Equal(10, FailureAnalysis.ConfusionFrame(score).Rows.Count);

        Assert.Contains("\"heatmap\"", ChartExport.ToJson(EvaluationCharts.ConfusionHeatmap(score)));
        Assert.Contains("\"bar\"", ChartExport.ToJson(EvaluationCharts.ValTestIoU(score, score)));
        var gallery = FailureAnalysis.Gallery(FailureAnalysis.Worst(score, 2));
        Assert.Equal(2, gallery.Count);
        Assert.Contains("data:image/png;base64,", EvaluationCharts.GalleryHtml("worst", gallery));
        var written = EvaluationExport.Write(score, dir.Combine("out"));
        Assert.All(written, f => Assert.True(File.Exists(Path.Combine(dir.Combine("out"), f)), f));
    }

    [Fact]
    public void EmptyScoreIsAClearError()
    {
        using var dir = new TempFolder();
        string gt = WriteMasks(dir.Combine("gt"), ("a", Bands(0)));
        string pred = WriteMasks(dir.Combine("pred"), ("a", Bands(10000)));
        var score = PredictionFolderScorer.Score(pred, gt);
        Assert.Contains("No labelled pixels", Assert.Throws<InvalidOperationException>(() => score.Metrics).Message);
        Directory.CreateDirectory(dir.Combine("empty"));
        Assert.Contains("no ground-truth masks",
            Assert.Throws<DataFormatException>(() => PredictionFolderScorer.Score(gt, dir.Combine("empty"))).Message);
    }
}
