using DesertSeg.Lab.Data;
using DesertSeg.Lab.Data.Synthetic;

namespace DesertSeg.Lab.Tests.Data.Synthetic;

public class SceneGeneratorTests
{
    private static readonly HashSet<ushort> RawValues = FalconClass.All.Select(c => c.RawValue).ToHashSet();

    [Fact]
    public void SameSeedGivesIdenticalBytes_DifferentSeedDiffers()
    {
        var gen = new SceneGenerator(320, 180);
        var (a, ma) = gen.Render(DesertEnvironment.Training, 7);
        var (b, mb) = gen.Render(DesertEnvironment.Training, 7);
        var (c, mc) = gen.Render(DesertEnvironment.Training, 8);
        Assert.Equal(a.Pixels, b.Pixels);
        Assert.Equal(ma.Values, mb.Values);
        Assert.NotEqual(a.Pixels, c.Pixels);
        Assert.NotEqual(ma.Values, mc.Values);
        // A fresh generator and another environment in between change nothing.
        new SceneGenerator(320, 180).Render(DesertEnvironment.Test, 7);
        var (d, md) = new SceneGenerator(320, 180).Render(DesertEnvironment.Training, 7);
        Assert.Equal(a.Pixels, d.Pixels);
        Assert.Equal(ma.Values, md.Values);
    }

    [Theory]
    [InlineData("training")]
    [InlineData("test")]
    public void FullSizeScene_HasFalconShapeAndOnlyTheTenRawValues(string envName)
    {
        var env = envName == "test" ? DesertEnvironment.Test : DesertEnvironment.Training;
        var (image, mask) = new SceneGenerator().Render(env, 123);
        Assert.Equal((960, 540), (image.Width, image.Height));
        Assert.Equal((960, 540), (mask.Width, mask.Height));
        Assert.All(mask.Values.Distinct(), v => Assert.Contains(v, RawValues));
        // A real scene: sky on top, ground at the bottom, and several classes.
        // (A near outcrop or tree may reach the top of the frame, so count the row rather than one pixel.)
        ushort sky = FalconClass.ByName("Sky").RawValue;
        Assert.True(Enumerable.Range(0, 960).Count(x => mask[x, 0] == sky) > 300, "the top row is mostly sky");
        Assert.True(Enumerable.Range(0, 960).All(x => mask[x, 539] != sky), "the bottom row is ground");
        Assert.True(mask.Values.Distinct().Count() >= 5, "a scene holds at least five classes");
    }

    [Fact]
    public void Image_IsTexturedNotFlatColourPerClass()
    {
        // Within one class the colours must vary (texture, shading): a model cannot read labels off colour alone.
        var (image, mask) = new SceneGenerator(480, 270).Render(DesertEnvironment.Training, 3);
        foreach (var name in new[] { "Landscape", "Dry Grass", "Sky" })
        {
            ushort raw = FalconClass.ByName(name).RawValue;
            var greens = new List<int>();
            for (int i = 0; i < mask.Values.Length; i++)
                if (mask.Values[i] == raw) greens.Add(image.Pixels[3 * i + 1]);
            Assert.True(greens.Count > 100, $"{name} present");
            double mean = greens.Average();
            double sd = Math.Sqrt(greens.Average(g => (g - mean) * (g - mean)));
            Assert.True(sd > 6, $"{name} green channel spread {sd:F1} should show texture");
        }
    }
}
