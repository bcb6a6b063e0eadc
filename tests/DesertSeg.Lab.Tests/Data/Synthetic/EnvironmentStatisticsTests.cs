using DesertSeg.Lab.Data.Synthetic;

namespace DesertSeg.Lab.Tests.Data.Synthetic;

/// <summary>The two environments differ as the report's training and test deserts do (Table 1, section 1.4).</summary>
public class EnvironmentStatisticsTests
{
    private const int Scenes = 24;

    private static readonly Lazy<(SceneStatistics Train, SceneStatistics Test)> Stats = new(() =>
    {
        // Half size keeps the test fast; the geometry is resolution-independent.
        var gen = new SceneGenerator(480, 270);
        var train = new SceneStatistics();
        var test = new SceneStatistics();
        var trainScenes = new (Lab.Data.RgbImage, Lab.Data.RawMask)[Scenes];
        var testScenes = new (Lab.Data.RgbImage, Lab.Data.RawMask)[Scenes];
        Parallel.For(0, Scenes, i =>
        {
            trainScenes[i] = gen.Render(DesertEnvironment.Training, 500 + i);
            testScenes[i] = gen.Render(DesertEnvironment.Test, 900 + i);
        });
        foreach (var (img, m) in trainScenes) train.Add(img, m);
        foreach (var (img, m) in testScenes) test.Add(img, m);
        return (train, test);
    });

    [Fact]
    public void TestHasFarMoreRocks()
    {
        var (train, test) = Stats.Value;
        Assert.True(train.Share("Rocks") > 0.002, $"training rocks {train.Share("Rocks"):P2}");
        Assert.True(test.Share("Rocks") > 8 * train.Share("Rocks"),
            $"test rocks {test.Share("Rocks"):P2} vs training {train.Share("Rocks"):P2}");
        Assert.InRange(test.Share("Rocks"), 0.10, 0.26);
    }

    [Fact]
    public void TestHasNoClutterFlowersOrLogs_AndAlmostNoLushBushes()
    {
        var (train, test) = Stats.Value;
        Assert.Equal(0, test.ClassPixels("Ground Clutter"));
        Assert.Equal(0, test.ClassPixels("Flowers"));
        Assert.Equal(0, test.ClassPixels("Logs"));
        Assert.True(test.Share("Lush Bushes") < 0.001, $"test lush bushes {test.Share("Lush Bushes"):P3}");
        Assert.True(train.Share("Ground Clutter") > 0.01 && train.Share("Flowers") > 0.005 && train.Share("Lush Bushes") > 0.02);
        Assert.Equal(0, train.UnknownValues);
        Assert.Equal(0, test.UnknownValues);
    }

    [Fact]
    public void ClassSharesAreNearTable1()
    {
        var (train, test) = Stats.Value;
        foreach (var (name, (t, s)) in SceneStatistics.ReportTable1)
        {
            // Within 8 points for the big classes, within a factor of ~2.5 for the small ones (24 scenes are noisy).
            Check(name, train.Share(name) * 100, t);
            Check(name, test.Share(name) * 100, s);
        }

        static void Check(string name, double got, double want)
        {
            if (want >= 10) Assert.True(Math.Abs(got - want) < 8, $"{name}: {got:F2}% vs {want}%");
            else if (want >= 0.5) Assert.True(got > want / 2.5 && got < want * 2.5, $"{name}: {got:F2}% vs {want}%");
            else Assert.True(got < 1.0, $"{name}: {got:F3}% vs {want}%");
        }
    }

    [Fact]
    public void TestIsDarkerOnEveryChannel_ByRoughlyTheReportedShift()
    {
        var (train, test) = Stats.Value;
        var a = train.MeanRgb;
        var b = test.MeanRgb;
        // Report: [-26, -25, -13].
        Assert.InRange(b.R - a.R, -40, -12);
        Assert.InRange(b.G - a.G, -40, -12);
        Assert.InRange(b.B - a.B, -28, -3);
        Assert.InRange(a.R, 135, 165);
        Assert.InRange(b.R, 108, 138);
    }

    [Fact]
    public void RocksLookDifferent_GreyInTrainingBrownInTest_AndClassesHavePlausibleColours()
    {
        var (train, test) = Stats.Value;
        var trainRock = train.ClassMeanRgb("Rocks")!.Value;
        var testRock = test.ClassMeanRgb("Rocks")!.Value;
        // Training rocks are grey (channels close), test rocks brown (red well above blue).
        Assert.True(trainRock.R - trainRock.B < 25, $"training rocks {trainRock}");
        Assert.True(testRock.R - testRock.B > 30, $"test rocks {testRock}");
        var sky = train.ClassMeanRgb("Sky")!.Value;
        Assert.True(sky.B > sky.R, $"sky {sky}");
        var lush = train.ClassMeanRgb("Lush Bushes")!.Value;
        Assert.True(lush.G > lush.R && lush.G > lush.B, $"lush bushes {lush}");
    }
}
