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

    [Fact]
    public void TestTargetAndOracleScenesAreTheSameBytesWhateverK()
    {
        using var dir = new TempFolder();
        var one = new SyntheticDatasetSpec(4, 1, 2, Seed: 3, Width: 96, Height: 54, TargetCount: 1, OracleCount: 1);
        SyntheticFalconWriter.Write(dir.Combine("k1"), one);
        SyntheticFalconWriter.Write(dir.Combine("k3"), one with { Environments = 3 });

        byte[] Bytes(string k, SyntheticFalconWriter.Split split, int i) => File.ReadAllBytes(Path.Combine(
            SyntheticFalconWriter.SplitFolder(dir.Combine(k), split), FalconLayout.Images, SyntheticFalconWriter.FileName(one, split, i)));
        foreach (var split in new[] { SyntheticFalconWriter.Split.Test, SyntheticFalconWriter.Split.TargetUnlabelled,
            SyntheticFalconWriter.Split.TargetTrain })
            Assert.Equal(Bytes("k1", split, 0), Bytes("k3", split, 0));
        Assert.Equal(Bytes("k1", SyntheticFalconWriter.Split.Train, 0),
            Bytes("k3", SyntheticFalconWriter.Split.Train, 0)); // scene 0: environment 0
        Assert.NotEqual(Bytes("k1", SyntheticFalconWriter.Split.Train, 1), Bytes("k3", SyntheticFalconWriter.Split.Train, 1));
        Assert.False(Directory.Exists(Path.Combine(TargetLayout.UnlabelledFolder(dir.Combine("k1")), FalconLayout.Masks))); // unlabelled
    }
}
