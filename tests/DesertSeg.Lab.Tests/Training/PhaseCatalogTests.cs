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

    [Theory]
    [InlineData("quick")]
    [InlineData("smoke")]
    public void ShortScalesKeepNineBySixteenAndValidate(string scale)
    {
        foreach (var phase in PhaseCatalog.Phases.Concat(PhaseCatalog.Variants))
        {
            var config = PhaseCatalog.Get(phase, scale);
            config.Validate();
            if (phase != "2") Assert.Equal(16.0 / 9, (double)config.Width / config.Height, 6);
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
