using DesertSeg.Lab.Losses;

namespace DesertSeg.Lab.Tests.Losses;

public class ClassWeightPresetTests
{
    private static readonly string[] Seven = ["Trees", "Lush Bushes", "Dry Grass", "Dry Bushes", "Rocks", "Landscape", "Sky"];
    private static readonly string[] Ten =
        ["Trees", "Lush Bushes", "Dry Grass", "Dry Bushes", "Ground Clutter", "Flowers", "Logs", "Rocks", "Landscape", "Sky"];

    [Fact]
    public void CodePresetIsTheOriginalTrainingWeights() =>
        Assert.Equal([1.5, 1.0, 0.8, 1.5, 5.0, 0.6, 0.4], ClassWeightPresets.Get("code").For(Seven));

    [Fact]
    public void ReportTable4DiffersInTreesAndDryBushes() =>
        Assert.Equal([1.0, 1.0, 0.8, 2.0, 5.0, 0.6, 0.4], ClassWeightPresets.Get("Report-Table4").For(Seven));

    [Fact]
    public void TenClassSchemaMapsByNameWithAssumedOnesForTrainOnlyClasses() =>
        Assert.Equal([1.5, 1.0, 0.8, 1.5, 1.0, 1.0, 1.0, 5.0, 0.6, 0.4], ClassWeightPresets.Code.For(Ten));

    [Fact]
    public void UniformAcceptsAnyNames()
    {
        Assert.Equal([1.0, 1.0], ClassWeightPresets.Uniform.For(["x", "y"]));
        using var t = ClassWeightPresets.Uniform.TensorFor(Seven);
        Assert.Equal([7L], t.shape);
    }

    [Fact]
    public void UnknownClassAndUnknownPresetAreNamed()
    {
        var error = Assert.Throws<ArgumentException>(() => ClassWeightPresets.Code.For(["Trees", "Background"]));
        Assert.Contains("'Background'", error.Message);
        Assert.Contains("bogus", Assert.Throws<ArgumentException>(() => ClassWeightPresets.Get("bogus")).Message);
    }
}
