using DesertSeg.Lab.Data;
using DesertSeg.Lab.Evaluation;
using DesertSeg.Lab.Studies;

namespace DesertSeg.Lab.Tests.Adaptation;

/// <summary>Error bars over seeds, checked by hand.</summary>
public class SeedSummaryTests
{
    /// <summary>A result whose test mIoU is exactly <paramref name="miou"/>: two classes, one right fraction each.</summary>
    private static AdaptationResult Line(string method, LineKind kind, double miou)
    {
        // Class 0: 100 right; class 1: r right and 100 - r predicted as class 0 -> IoU_0 = 100 / (200 - r), IoU_1 = r / 100.
        // Solve for r numerically so that the mean of both is miou (to 1e-9).
        double lo = 0, hi = 100;
        for (int i = 0; i < 100; i++)
        {
            double mid = (lo + hi) / 2;
            if ((100 / (200 - mid) + mid / 100) / 2 < miou) lo = mid; else hi = mid;
        }
        long right = (long)Math.Round(lo * 1000);
        var counts = new long[49];
        counts[0] = 100_000;
        counts[8] = right;
        counts[7] = 100_000 - right;
        var confusion = ConfusionMatrix.FromCounts(7, counts);
        var score = new SplitScore(FalconLayout.Test, ScoringProtocol.Native, ClassScheme.SevenClass, method, confusion, []);
        return new AdaptationResult(method, kind, "", [], score, null);
    }

    [Fact]
    public void MeanSdAndNoise_ByHand()
    {
        var seeds = new[] { (0.30, 0.33, 0.50), (0.32, 0.33, 0.52), (0.34, 0.34, 0.54) }
            .Select(s => (IReadOnlyList<AdaptationResult>)[
                Line("Source only", LineKind.Source, s.Item1), Line("M", LineKind.Training, s.Item2),
                Line("Oracle", LineKind.Oracle, s.Item3)])
            .ToList();

        var stats = SeedSummary.Of(seeds);
        var m = stats.Single(s => s.Method == "M");

        Assert.Equal(3, m.Seeds);
        Assert.Equal((0.33 + 0.33 + 0.34) / 3, m.TestMean, 3);
        // Sample sd of 0.33, 0.33, 0.34: mean 0.33333; deviations -1/300, -1/300, 2/300; sum of squares 6/90000; / 2 -> sqrt(1/30000).
        Assert.Equal(Math.Sqrt(1.0 / 30000), m.TestSd, 3);
        // Differences from source: 0.03, 0.01, 0.00 -> mean 0.01333, sd 0.01528: larger than the mean, so within noise.
        Assert.Equal(0.04 / 3, m.DifferenceMean, 3);
        Assert.True(m.WithinNoise);
        // Gap closed per seed: 0.03/0.2, 0.01/0.2, 0/0.2 -> mean 0.0667.
        Assert.Equal(0.04 / 0.6, m.GapMean!.Value, 2);
        Assert.Contains("within seed noise", SeedSummary.Table(stats)["vs source"][1]!.ToString());
    }
}
