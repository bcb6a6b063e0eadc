using DesertSeg.Lab.Data;
using DesertSeg.Lab.Inference;

namespace DesertSeg.Lab.Evaluation;

/// <summary>The mIoU of a bfloat16 score beside the float32 score of the same checkpoint, same split and options.</summary>
public sealed record PrecisionDifference(string Split, int Images, double Bf16MeanIoU, double Fp32MeanIoU)
{
    public double Difference => Bf16MeanIoU - Fp32MeanIoU;

    public override string ToString() =>
        $"mIoU on '{Split}' ({Images} images): bf16 {Bf16MeanIoU:F4}, fp32 {Fp32MeanIoU:F4}, " +
        $"difference {Difference:+0.0000;-0.0000;0.0000}";
}

/// <summary>How much bfloat16 inference changes a score: the one comparison that <c>eval</c> and <c>bench</c> print.</summary>
public static class PrecisionComparison
{
    /// <summary>Scores <paramref name="split"/> with the float32 predictor under the options the bf16 score used.</summary>
    public static PrecisionDifference Compare(SplitScore bf16, Predictor fp32, DataSplit split, ScoringOptions options)
    {
        var reference = SplitScorer.Score(fp32, split, options);
        return new PrecisionDifference(split.Name, reference.Images.Count, bf16.Metrics.MeanIoU, reference.Metrics.MeanIoU);
    }
}
