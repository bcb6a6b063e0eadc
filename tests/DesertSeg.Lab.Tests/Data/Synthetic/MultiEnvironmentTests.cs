using DesertSeg.Lab.Data;
using DesertSeg.Lab.Data.Synthetic;

namespace DesertSeg.Lab.Tests.Data.Synthetic;

/// <summary>Multi-environment data sets: K training deserts in turn, the test-environment scenes untouched.</summary>
public class MultiEnvironmentTests
{
    [Fact]
    public void EnvironmentZeroIsTheTrainingDesert_OthersDifferFromItAndFromTheTest()
    {
        Assert.Same(DesertEnvironment.Training, RandomisedEnvironments.Get(0, 4, seed: 42));
        var drawn = Enumerable.Range(1, 7).Select(i => RandomisedEnvironments.Get(i, 8, seed: 42)).ToList();
        foreach (var env in drawn)
        {
            Assert.NotEqual(DesertEnvironment.Training with { Name = env.Name }, env);
            Assert.NotEqual(DesertEnvironment.Test.RockLight, env.RockLight);
            Assert.NotEqual(DesertEnvironment.Test.GroundLight, env.GroundLight);
        }
        Assert.Contains(drawn, e => e.RockStyle == RockStyle.LayeredSandstone);
        Assert.Contains(drawn, e => e.RockStyle == RockStyle.MossyGrey);
        Assert.Equal(drawn[2], RandomisedEnvironments.Get(3, 8, seed: 42)); // a function of (seed, index)
    }

    private static float Distance(Rgb a, Rgb b) =>
        MathF.Sqrt((a.R - b.R) * (a.R - b.R) + (a.G - b.G) * (a.G - b.G) + (a.B - b.B) * (a.B - b.B));

    [Fact]
    public void HeldOutFactorsNeverAppear_InManyDraws()
    {
        const int draws = 400;
        var plain = Enumerable.Range(1, draws).Select(i => RandomisedEnvironments.Get(i, draws + 1, seed: 42)).ToList();
        var noRocks = Enumerable.Range(1, draws)
            .Select(i => RandomisedEnvironments.Get(i, draws + 1, seed: 42, HeldOutFactors.TestRockStyle)).ToList();
        var noPalette = Enumerable.Range(1, draws)
            .Select(i => RandomisedEnvironments.Get(i, draws + 1, seed: 42, HeldOutFactors.TestPalette)).ToList();
        var test = DesertEnvironment.Test;

        // Without holding out, the test's kind of rocks and colours near its palette do occur: the control means something.
        Assert.Contains(plain, e => e.RockStyle == test.RockStyle);
        Assert.Contains(plain, e => Distance(e.RockLight, test.RockLight) < RandomisedEnvironments.PaletteDistance);
        Assert.All(noRocks, e =>
        {
            Assert.NotEqual(test.RockStyle, e.RockStyle);
            Assert.Equal((0f, 0f, 0f), (e.Outcrops, e.SlabFields, e.RockSpeckle));
        });
        Assert.All(noPalette, e =>
        {
            foreach (var (mine, theirs) in new[] { (e.GroundLight, test.GroundLight), (e.GroundDark, test.GroundDark),
                         (e.RockLight, test.RockLight), (e.RockDark, test.RockDark) })
                Assert.True(Distance(mine, theirs) >= RandomisedEnvironments.PaletteDistance, $"{mine} is near the test's {theirs}");
        });
        // Holding the rock style out changes nothing else of a draw.
        for (int i = 0; i < draws; i++)
            if (plain[i].RockStyle != test.RockStyle) Assert.Equal(plain[i], noRocks[i]);
    }

    [Fact]
    public void TestTargetAndOracleScenesAreTheSameBytesWhateverK()
    {
        using var dir = new TempFolder();
        var one = new SyntheticDatasetSpec(4, 1, 2, Seed: 3, Width: 96, Height: 54, TargetCount: 1, OracleCount: 1, OracleValCount: 1);
        SyntheticFalconWriter.Write(dir.Combine("k1"), one);
        SyntheticFalconWriter.Write(dir.Combine("k3"), one with { Environments = 3 });

        byte[] Bytes(string k, SyntheticFalconWriter.Split split, int i) => File.ReadAllBytes(Path.Combine(
            SyntheticFalconWriter.SplitFolder(dir.Combine(k), split), FalconLayout.Images, SyntheticFalconWriter.FileName(one, split, i)));
        var testEnvironment = new[] { SyntheticFalconWriter.Split.Test, SyntheticFalconWriter.Split.TargetUnlabelled,
            SyntheticFalconWriter.Split.TargetTrain, SyntheticFalconWriter.Split.TargetVal };
        foreach (var split in testEnvironment)
            Assert.Equal(Bytes("k1", split, 0), Bytes("k3", split, 0));
        // The oracle's selection scenes are scenes of their own: neither its training scenes nor test scenes.
        Assert.Equal(4, testEnvironment.Select(split => Convert.ToHexString(Bytes("k1", split, 0))).Distinct().Count());
        Assert.True(File.Exists(Path.Combine(TargetLayout.OracleValFolder(dir.Combine("k1")), FalconLayout.Masks,
            SyntheticFalconWriter.FileName(one, SyntheticFalconWriter.Split.TargetVal, 0))));
        // Scene 0: environment 0.
        Assert.Equal(Bytes("k1", SyntheticFalconWriter.Split.Train, 0), Bytes("k3", SyntheticFalconWriter.Split.Train, 0));
        Assert.NotEqual(Bytes("k1", SyntheticFalconWriter.Split.Train, 1), Bytes("k3", SyntheticFalconWriter.Split.Train, 1));
        Assert.False(Directory.Exists(Path.Combine(TargetLayout.UnlabelledFolder(dir.Combine("k1")), FalconLayout.Masks))); // unlabelled
    }
}
