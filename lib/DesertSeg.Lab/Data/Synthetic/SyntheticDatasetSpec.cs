namespace DesertSeg.Lab.Data.Synthetic;

/// <summary>
/// How large a synthetic Falcon data set to generate. Train and val scenes come from
/// <see cref="DesertEnvironment.Training"/>, test scenes from <see cref="DesertEnvironment.Test"/>.
/// Every scene's seed derives from (<see cref="Seed"/>, split, index) only.
/// </summary>
/// <param name="TargetCount">Unlabelled scenes of the test environment for domain adaptation (<see cref="Data.TargetLayout"/>):
/// other seeds than the test scenes, so adaptation never sees the images it is scored on.</param>
/// <param name="OracleCount">Labelled scenes of the test environment, for the oracle only (the upper bound of adaptation).</param>
/// <param name="Environments">Training and validation scenes come from this many training deserts in turn (scene i from
/// environment i mod K, see <see cref="RandomisedEnvironments"/>; 1: the training desert alone). Test, target and oracle scenes
/// do not depend on it, so data sets of different K share them exactly.</param>
/// <param name="EnvironmentSeed">Seeds the draw of the randomised training deserts (null: <see cref="Seed"/>), so that
/// several draws can share every scene of the test environment.</param>
/// <param name="OracleValCount">Other labelled scenes of the test environment, on which the oracle's epoch is selected.</param>
/// <param name="HeldOut">Factors of the test environment that the randomised training deserts never show.</param>
public sealed record SyntheticDatasetSpec(int TrainCount, int ValCount, int TestCount, int Seed = 42, int Width = 960, int Height = 540,
    int TargetCount = 0, int OracleCount = 0, int Environments = 1, HeldOutFactors HeldOut = HeldOutFactors.None, int OracleValCount = 0,
    int? EnvironmentSeed = null)
{
    /// <summary>The embedded default: 160 train, 32 val, 64 test scenes at the Falcon size (960x540), plus 64 unlabelled
    /// target scenes, 112 labelled oracle scenes of the test environment (112: the quick scale's training images) and 32
    /// labelled ones to select the oracle's epoch on (as many as the source's val split).</summary>
    public static SyntheticDatasetSpec Default { get; } = new(160, 32, 64, TargetCount: 64, OracleCount: 112, OracleValCount: 32);

    public int TotalCount => TrainCount + ValCount + TestCount + TargetCount + OracleCount + OracleValCount;

    /// <summary>Throws when a count is negative or the size is unusable.</summary>
    public void Validate()
    {
        if (TrainCount < 0 || ValCount < 0 || TestCount < 0 || TargetCount < 0 || OracleCount < 0 || OracleValCount < 0)
            throw new ArgumentException($"Image counts must not be negative (train {TrainCount}, val {ValCount}, test {TestCount}, " +
                $"target {TargetCount}, oracle {OracleCount}, oracle val {OracleValCount}).");
        if (Environments < 1) throw new ArgumentException($"At least one training environment, got {Environments}.");
        if (Width < 32 || Height < 32)
            throw new ArgumentException($"Image size {Width}x{Height} is too small (32x32 at least).");
    }
}
