using DesertSeg.Lab.Data;
using DesertSeg.Lab.Data.Synthetic;
using DesertSeg.Lab.Training;

namespace DesertSeg.Lab.Tests.Training;

/// <summary>
/// A small synthetic Falcon data set (generated once per test run, shared by the training tests) and
/// tiny run configurations that train in seconds on 2 cores.
/// </summary>
public sealed class TrainingFixture : IDisposable
{
    private readonly TempFolder _folder = new("desertseg-train");

    public TrainingFixture()
    {
        // Half-size scenes: decoding is the loader's main cost, and the runs train at 144x256 anyway.
        SyntheticFalconWriter.Write(_folder.Combine("data"), new SyntheticDatasetSpec(24, 8, 4, Seed: 5, Width: 480, Height: 270));
        Data = FalconDataset.Open(_folder.Combine("data"));
    }

    public FalconDataset Data { get; }

    public string NewRunsFolder() => _folder.Combine("runs-" + Guid.NewGuid().ToString("N")[..8]);

    /// <summary>The smoke configuration of a phase, with a few overrides.</summary>
    public static RunConfig Tiny(string phase = "3", int epochs = 3, int? trainImages = 8, int? valImages = 4) =>
        PhaseCatalog.Get(phase, "smoke") with
        {
            Epochs = epochs,
            TrainImages = trainImages,
            ValImages = valImages,
            Schedule = new LearningRateSchedule(epochs, WarmupEpochs: 1, EncoderFrozenEpochs: 1, EncoderWarmupEpochs: 1),
            // The mechanics under test do not depend on ImageNet weights; a random encoder keeps these runs independent of them.
            FromScratch = true,
        };

    /// <summary>A finished run of <paramref name="config"/> where <paramref name="runner"/> looks for it, holding only what the
    /// caller writes into it (e.g. a checkpoint): a parent for the runs under test, without training one.</summary>
    public RunDirectory FinishedRun(PhaseRunner runner, RunConfig config)
    {
        var run = runner.RunFor(config);
        run.Initialise(config, new DatasetInfo(Data.Root, DatasetFingerprint.Of(Data), new Dictionary<string, int>()));
        run.WriteStatus(new RunStatus(RunState.Finished, 1, 1, 0, 0.1, "validation", null, DateTimeOffset.UtcNow));
        return run;
    }

    public void Dispose() => _folder.Dispose();
}

[CollectionDefinition(Name)]
public sealed class TrainingCollection : ICollectionFixture<TrainingFixture>
{
    public const string Name = "training";
}
