using DesertSeg.Lab.Data;
using DesertSeg.Lab.Data.Synthetic;
using DesertSeg.Lab.Devices;
using DesertSeg.Lab.Tests.Training;
using DesertSeg.Lab.Training;
using static TorchSharp.torch;

namespace DesertSeg.Lab.Tests.Devices;

/// <summary>LibTorch's thread count is process-wide: these tests share the collection that overlaps with no other test.</summary>
[Collection(nameof(DefaultDeviceCollection))]
public sealed class LibTorchThreadsTests
{
    [Fact]
    public void AScope_SetsTheCount_AndGivesTheOldOneBack()
    {
        int before = get_num_threads();
        using (LibTorchThreads.Use(1)) Assert.Equal(1, get_num_threads());
        Assert.Equal(before, get_num_threads());
        using (LibTorchThreads.Use(null)) Assert.Equal(before, get_num_threads());
        Assert.Throws<ArgumentOutOfRangeException>(() => LibTorchThreads.Use(0));
    }

    /// <summary>
    /// A run trained with <see cref="TrainingOptions.Threads"/> (a slot of the plan's executor, train --threads) computes every step with that
    /// many threads, and the process has its own count back afterwards (its scoring uses every core).
    /// </summary>
    [Fact]
    public void ATrainingWithAThreadCount_StepsWithIt_AndLeavesTheProcessAsItWas()
    {
        using var folder = new TempFolder("desertseg-threads");
        SyntheticFalconWriter.Write(folder.Combine("data"), new SyntheticDatasetSpec(8, 4, 2, Seed: 9, Width: 240, Height: 135));
        var data = FalconDataset.Open(folder.Combine("data"));
        var config = TrainingFixture.Tiny("3", epochs: 1, trainImages: 8, valImages: 4);
        var run = new RunStore(folder.Combine("runs")).For(config, DatasetFingerprint.Of(data));
        var counts = new ThreadCounts();
        int before = get_num_threads();
        Assert.True(before > 1 || Environment.ProcessorCount == 1, $"the process starts with {before} LibTorch thread(s)");

        new Trainer(config, data, run, new TrainingOptions(Threads: 1), counts).Train();

        Assert.NotEmpty(counts.Seen);
        Assert.All(counts.Seen, n => Assert.Equal(1, n));
        Assert.Equal(before, get_num_threads());
    }

    private sealed class ThreadCounts : ITrainingObserver
    {
        public List<int> Seen { get; } = [];
        public void StepCompleted(TrainingProgress progress) => Seen.Add(get_num_threads());
    }
}
