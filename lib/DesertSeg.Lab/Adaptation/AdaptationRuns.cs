using DesertSeg.Lab.Adaptation.Objectives;
using DesertSeg.Lab.Training;

namespace DesertSeg.Lab.Adaptation;

/// <summary>
/// The training-time domain-adaptation runs, each Phase 5 with adaptation ingredients (the records' defaults are the
/// papers' values), plus the oracle (Phase 5 trained on labelled target scenes). Test-time methods need no training
/// of their own (<see cref="TestTimeMethod"/>); any other combination is a run of your own
/// (<see cref="Studies.Study.Add"/>).
/// </summary>
public static class AdaptationRuns
{
    public static readonly IReadOnlyList<PhaseRecipe> All =
    [
        new("5-oracle", "Oracle: Phase 5 trained on labelled target-domain scenes", c => c with { TrainOn = TrainingData.Oracle }),
        Fda("5-fda", 0.01),
        Fda("5-fda-b05", 0.05),
        Fda("5-fda-b09", 0.09),
        new("5-style", "Phase 5 with colour-statistics style transfer to target images",
            c => c with { Style = new ColourStatisticsStyle() }),
        new("5-self-training", "Phase 5 with DACS/DAFormer self-training (EMA teacher, ClassMix) and rare-class sampling",
            c => c with { Objectives = [new SelfTraining()], RareClassSampling = new RareClassSamplingConfig() }),
        new("5-mic", "Phase 5 with self-training, rare-class sampling and masked-image consistency (MIC)",
            c => c with { Objectives = [new SelfTraining(), new MaskedImageConsistency(BlockSize: MicBlock(c))],
                RareClassSampling = new RareClassSamplingConfig() }),
        new("5-minent", "Phase 5 with MinEnt entropy minimisation on target images (Vu et al. 2019)",
            c => c with { Objectives = [new MinimumEntropy()] }),
    ];

    private static PhaseRecipe Fda(string name, double beta) => new(name, $"Phase 5 with FDA (beta {beta}) and the target entropy term",
        c => c with { Style = new FdaStyle(beta), Objectives = [new FdaEntropy()] });

    /// <summary>MIC's 64-pixel blocks at its 512x1024 crops, scaled to the run's input (16 pixels at 144x256).</summary>
    public static int MicBlock(RunConfig config) => Math.Max(8, (int)Math.Round(64.0 * config.Height / 512 / 8) * 8);
}
