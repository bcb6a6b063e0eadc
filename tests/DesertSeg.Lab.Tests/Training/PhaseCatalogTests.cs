using DesertSeg.Lab.Data;
using DesertSeg.Lab.Training;

namespace DesertSeg.Lab.Tests.Training;

public class PhaseCatalogTests
{
    [Fact]
    public void FullScaleIsTheReportsSettings()
    {
        var p5 = PhaseCatalog.Get("5", "full");
        Assert.Equal(("resnet101", 7), (p5.Model.Encoder, p5.Model.Classes));
        Assert.Equal((512, 896, 4, 60), (p5.Height, p5.Width, p5.BatchSize, p5.Epochs));
        Assert.Equal(new OptimizerConfig(3e-5, 1e-4, 3e-4, 0.01, 1.0), p5.Optimizer);
        Assert.Equal(new LearningRateSchedule(60), p5.Schedule);
        Assert.Equal("3", p5.InitFromPhase);
        Assert.Equal((512, 512, 10, 50), (PhaseCatalog.Get("2", "full").Height, PhaseCatalog.Get("2", "full").Width,
            PhaseCatalog.Get("2", "full").Model.Classes, PhaseCatalog.Get("2", "full").Epochs));
        Assert.Equal(("extreme", "7-class"), (PhaseCatalog.Get("4", "full").Augmentation, PhaseCatalog.Get("4", "full").ClassScheme));
        Assert.Equal(100, PhaseCatalog.Get("3", "full").Epochs);
    }

    /// <summary>Quick keeps the report's 9:16 exactly (144x256 is the smallest 9:16 size with sides divisible by 16); smoke,
    /// which proves only that paths run, takes the nearest smaller size (64x112, 4:7, 1.6% wider than 9:16).</summary>
    [Theory]
    [InlineData("quick", 0.0)]
    [InlineData("smoke", 0.02)]
    public void ShortScalesKeepNineBySixteenAndValidate(string scale, double tolerance)
    {
        foreach (var phase in PhaseCatalog.Phases.Concat(PhaseCatalog.Variants))
        {
            var config = PhaseCatalog.Get(phase, scale);
            config.Validate();
            Assert.True(config.Height % 16 == 0 && config.Width % 16 == 0, $"{phase}: {config.Height}x{config.Width}");
            double ratio = (double)config.Width / config.Height;
            if (phase == "2") Assert.Equal(1.0, ratio);
            else Assert.InRange(ratio / (16.0 / 9), 1 - tolerance - 1e-9, 1 + tolerance + 1e-9);
        }
    }

    [Fact]
    public void VariantsChangeOneThingOfPhaseFive()
    {
        var p5 = PhaseCatalog.Get("5", "quick");
        Assert.Equal(
            p5 with { Phase = "5-merge", ClassScheme = "7-class-merged", Description = PhaseCatalog.Get("5-merge", "quick").Description },
            PhaseCatalog.Get("5-merge", "quick"));
        Assert.Equal("code-rocks8", PhaseCatalog.Get("5-rocks8", "quick").Loss.ClassWeights);
        Assert.Equal("shuffle-gray", PhaseCatalog.Get("5-shuffle-gray", "quick").Augmentation);
        Assert.NotEqual(p5.Fingerprint(), PhaseCatalog.Get("5-rocks8", "quick").Fingerprint());
        Assert.Equal(ClassScheme.SevenClass.Count, ClassScheme.ByName(PhaseCatalog.Get("5-merge", "quick").ClassScheme).Count);
    }
}
