using DesertSeg.Lab.Evaluation;
using static TorchSharp.torch;

namespace DesertSeg.Lab.Tests.Evaluation;

public class ConfusionMatrixTests
{
    // Four classes; class 3 appears in neither truth nor prediction; 255 is ignore.
    private static readonly byte[] Truth = [0, 0, 0, 0, 1, 1, 1, 2, 2, 255, 255];
    private static readonly byte[] Pred  = [0, 0, 0, 1, 1, 1, 2, 2, 0, 2,   3];

    [Fact]
    public void MetricsEqualTheFormulasOnAHandBuiltCase()
    {
        var m = new ConfusionMatrix(4);
        m.Add(Pred, Truth);

        // By hand: class 0: inter 3, truth 4, pred 4 -> union 5. class 1: inter 2, truth 3, pred 3 -> union 4.
        // class 2: inter 1, truth 2, pred 2 -> union 3. class 3: union 0 -> no IoU. Ignored pixels add nothing.
        var s = m.Metrics();
        Assert.Equal(9, m.Total);
        Assert.Equal(3 / (5 + 1e-6), s.IoU[0]!.Value, 12);
        Assert.Equal(2 / (4 + 1e-6), s.IoU[1]!.Value, 12);
        Assert.Equal(1 / (3 + 1e-6), s.IoU[2]!.Value, 12);
        Assert.Null(s.IoU[3]);
        Assert.Equal((3 / (5 + 1e-6) + 2 / (4 + 1e-6) + 1 / (3 + 1e-6)) / 3, s.MeanIoU, 12);
        Assert.Equal(6.0 / 9, s.PixelAccuracy, 12);
        Assert.Equal(3.0 / 4, s.Precision[0]!.Value, 12);
        Assert.Equal(3.0 / 4, s.Recall[0]!.Value, 12);
        Assert.Equal(1.0 / 2, s.Recall[2]!.Value, 12);
        Assert.Null(s.Precision[3]);
    }

    [Fact]
    public void ClassPredictedButNeverTrueHasIoUZeroAndCounts()
    {
        var m = new ConfusionMatrix(3);
        m.Add([0, 0, 2], [0, 0, 0]);
        var s = m.Metrics();
        Assert.Equal(0.0, s.IoU[2]!.Value);
        Assert.Null(s.IoU[1]);
        Assert.Equal((2 / (3 + 1e-6) + 0) / 2, s.MeanIoU, 12);
    }

    [Fact]
    public void TensorPathEqualsSpanPath()
    {
        var spans = new ConfusionMatrix(4);
        spans.Add(Pred, Truth);
        var tensors = new ConfusionMatrix(4);
        using var p = tensor(Pred.Select(b => (long)b).ToArray()).reshape(1, 11);
        using var t = tensor(Truth.Select(b => (long)b).ToArray()).reshape(1, 11);
        tensors.Add(p, t);
        Assert.Equal(spans.ToArray(), tensors.ToArray());
    }

    [Fact]
    public void EmptyOrFullyIgnoredSplitIsAClearError()
    {
        var m = new ConfusionMatrix(3);
        m.Add([0, 1], [255, 255]);
        var e = Assert.Throws<InvalidOperationException>(() => m.Metrics());
        Assert.Contains("No labelled pixels", e.Message);
    }

    [Fact]
    public void RowsNormaliseToWhereEachClassWent()
    {
        var m = new ConfusionMatrix(4);
        m.Add(Pred, Truth);
        var rows = m.RowNormalized();
        Assert.Equal(0.75, rows[0, 0], 12);
        Assert.Equal(0.25, rows[0, 1], 12);
        Assert.True(double.IsNaN(rows[3, 0]));
    }

    [Fact]
    public void PerImageIoUFollowsTheFormulasAndImagesSumToTheSplit()
    {
        // Image A: the hand-built case. Image B: all correct class 3. Image C: every pixel ignored.
        var a = new ConfusionMatrix(4);
        a.Add(Pred, Truth);
        var b = new ConfusionMatrix(4);
        b.Add([3, 3], [3, 3]);
        var c = new ConfusionMatrix(4);
        c.Add([1, 2], [255, 255]);
        var images = new[] { a, b, c }.Select((m, i) => new ImageScore($"{i}", null, $"{i}.png", null, m)).ToList();
        var split = new ConfusionMatrix(4);
        foreach (var image in images) split.Add(image.Confusion);

        Assert.Equal((3 / (5 + 1e-6) + 2 / (4 + 1e-6) + 1 / (3 + 1e-6)) / 3, images[0].MeanIoU!.Value, 12);
        Assert.Equal(2 / (2 + 1e-6), images[1].MeanIoU!.Value, 12);
        Assert.Null(images[2].MeanIoU); // nothing labelled: no score, not an error
        Assert.Equal(11, split.Total);
        // The split's class-3 IoU comes from summed counts (2 / 2), not from averaging images.
        Assert.Equal(2 / (2 + 1e-6), split.Metrics().IoU[3]!.Value, 12);
        var score = new SplitScore("t", ScoringProtocol.Native, Lab.Data.ClassScheme.TenClass, "hand-built", split, images);
        Assert.Equal(["0", "1"], FailureAnalysis.Worst(score, 5).Select(i => i.Id));
        Assert.Equal("1", FailureAnalysis.Best(score, 1).Single().Id);
    }
}
