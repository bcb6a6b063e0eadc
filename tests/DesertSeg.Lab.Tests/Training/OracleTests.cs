using DesertSeg.Lab.Data;
using DesertSeg.Lab.Data.Synthetic;
using DesertSeg.Lab.Training;

namespace DesertSeg.Lab.Tests.Training;

/// <summary>The oracle is selected on its own domain: without labelled target val scenes it does not train at all.</summary>
public class OracleTests
{
    [Fact]
    public void OracleWithoutTargetValScenes_StopsNamingTheFolder_AndWritesNoRun()
    {
        using var dir = new TempFolder();
        string root = dir.Combine("data");
        SyntheticFalconWriter.Write(root, new SyntheticDatasetSpec(8, 4, 2, Seed: 3, Width: 96, Height: 54, OracleCount: 8));
        var data = FalconDataset.Open(root);
        var config = TrainingFixture.Tiny("5-oracle", epochs: 1) with { InitFromPhase = null };
        var run = new RunDirectory(dir.Combine("runs", "oracle"));

        var error = Assert.Throws<DataFormatException>(() => new Trainer(config, data, run).Train());

        Assert.Contains(TargetLayout.OracleValFolder(root), error.Message);
        Assert.True(error.Message.Contains("--oracle-val"), error.Message);
        Assert.False(run.Exists);
    }
}
