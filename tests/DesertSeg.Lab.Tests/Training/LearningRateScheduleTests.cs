using DesertSeg.Lab.Training;

namespace DesertSeg.Lab.Tests.Training;

public class LearningRateScheduleTests
{
    // The original's lambdas for Phase 5 (60 epochs), written out as REPORT-FACTS.md gives them.
    private const double MinRatio = 1e-7 / 3e-4;

    private static double OriginalDecoder(int e) =>
        e < 5 ? (e + 1) / 5.0 : Math.Max(MinRatio, 0.5 * (1 + Math.Cos(Math.PI * (e - 5) / 55.0)));

    private static double OriginalEncoder(int e)
    {
        if (e < 5) return 0;
        int k = e - 5;
        if (k < 3) return (k + 1) / 3.0;
        return Math.Max(MinRatio, 0.5 * (1 + Math.Cos(Math.PI * (e - 8) / 52.0)));
    }

    [Fact]
    public void PhaseFiveFactorsMatchTheOriginalEpochByEpoch()
    {
        var schedule = new LearningRateSchedule(TotalEpochs: 60);
        for (int e = 0; e < 60; e++)
        {
            Assert.Equal(OriginalDecoder(e), schedule.DecoderFactor(e), 12);
            Assert.Equal(OriginalEncoder(e), schedule.EncoderFactor(e), 12);
            Assert.Equal(e < 5, schedule.EncoderFrozen(e));
        }
    }

    [Fact]
    public void LandmarksOfTheSchedule()
    {
        var s = new LearningRateSchedule(TotalEpochs: 60);
        Assert.Equal(0.2, s.DecoderFactor(0), 15);
        Assert.Equal(1.0, s.DecoderFactor(4), 15);
        Assert.Equal(1.0, s.DecoderFactor(5), 15);   // cosine starts at its top
        Assert.Equal(0.0, s.EncoderFactor(4));
        Assert.Equal(1 / 3.0, s.EncoderFactor(5), 15);
        Assert.Equal(1.0, s.EncoderFactor(8), 15);
        Assert.True(s.DecoderFactor(59) < 0.001);
        Assert.True(s.DecoderFactor(59) >= MinRatio);
    }

    [Fact]
    public void FloorHoldsWhereTheCosineFallsBelowIt()
    {
        // Decoder cosine over epochs 1..6 (span 6): epoch 5 gives 0.5 * (1 + cos(4/6 pi)) = 0.25, above the floor;
        // epoch 6 gives 0.5 * (1 + cos(5/6 pi)) = 0.067, below a floor of 0.1, so the floor is the factor.
        // Encoder cosine from epoch 2 (span 5): epoch 5 gives 0.5 * (1 + cos(3/5 pi)) = 0.345, epoch 6
        // 0.5 * (1 + cos(4/5 pi)) = 0.095, below the floor.
        var s = new LearningRateSchedule(TotalEpochs: 7, WarmupEpochs: 1, EncoderFrozenEpochs: 1, EncoderWarmupEpochs: 1, MinRatio: 0.1);
        Assert.Equal(0.25, s.DecoderFactor(5), 12);
        Assert.Equal(0.1, s.DecoderFactor(6), 12);
        Assert.Equal(0.5 * (1 + Math.Cos(Math.PI * 3 / 5)), s.EncoderFactor(5), 12);
        Assert.Equal(0.1, s.EncoderFactor(6), 12);
    }
}
