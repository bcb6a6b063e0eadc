using DesertSeg.Lab.Training;

namespace DesertSeg.Lab.Generalisation;

/// <summary>
/// The domain-generalisation runs (issue 31): Phase 5 with one ingredient each, at the references' settings, reading no
/// target image. They train like any recipe (<c>train --phase 5-mixstyle</c>), on the data set or its K-environment sibling
/// (<c>--environments 4 --held-out test-rock-style</c>); the lab's generalisation lines (<see cref="Studies.LabLines"/>) and
/// the <c>generalisation</c> benchmark read them.
/// </summary>
public static class GeneralisationRuns
{
    public static readonly IReadOnlyList<PhaseRecipe> All =
    [
        new("5-randconv", "Phase 5 with RandConv (random convolutions of the input, mixed, with a consistency term)",
            c => c with { Generalisation = [new RandConv()] }),
        new("5-ampmix", "Phase 5 with Fourier amplitude mixing between training images (FACT's augmentation)",
            c => c with { Generalisation = [new AmplitudeMix()] }),
        new("5-mixstyle", "Phase 5 with MixStyle (feature statistics mixed between images after layers 1-3)",
            c => c with { Generalisation = [new MixStyle()] }),
        new("5-dsu", "Phase 5 with DSU (feature statistics re-drawn from their batch uncertainty)",
            c => c with { Generalisation = [new DistributionUncertainty()] }),
    ];
}
