using System.Security.Cryptography;
using DesertSeg.Lab.Checkpoints;
using DesertSeg.Lab.Data;
using DesertSeg.Lab.Models;
using DesertSeg.Lab.Training;
using static TorchSharp.torch;

namespace DesertSeg.Lab.Tests.Training;

[Collection(TrainingCollection.Name)]
public class PhaseRunnerTests(TrainingFixture fixture)
{
    private static string Sha256(string path) => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path))).ToLowerInvariant();

    [Fact]
    public void FullScaleWithoutImageNetWeightsStopsBeforeTrainingAndSaysHow()
    {
        string runs = fixture.NewRunsFolder();
        var runner = new PhaseRunner(new RunStore(runs), fixture.Data);

        var error = Assert.Throws<MissingEncoderWeightsException>(() => runner.Ensure(PhaseCatalog.Get("5", "full")));

        Assert.Contains("--encoder-weights", error.Message);
        Assert.Contains("IMAGENET1K_V1", error.Message);
        Assert.Contains("--from-scratch", error.Message);
        Assert.Contains("DESERTSEG_ENCODER_WEIGHTS", error.Message);
        Assert.False(Directory.Exists(runs) && Directory.EnumerateFileSystemEntries(runs).Any(),
            "nothing may be written before the refusal");
    }

    [Fact]
    public void ConfigurationRecordsTheWeightsFileByNameAndHashOrSaysFromScratch()
    {
        using var folder = new TempFolder();
        string weights = folder.Combine("resnet101-imagenet.pth");
        File.WriteAllBytes(weights, [1, 2, 3, 4, 5]);
        var full = PhaseCatalog.Get("3", "full");

        var bound = new PhaseRunner(new RunStore(folder.Combine("runs")), fixture.Data,
            new TrainingOptions(EncoderWeightsFile: weights)).BindEncoder(full);
        var scratch = new PhaseRunner(new RunStore(folder.Combine("runs")), fixture.Data,
            new TrainingOptions(FromScratch: true)).BindEncoder(full);

        Assert.Equal(new WeightsFile("resnet101-imagenet.pth", Sha256(weights)), bound.EncoderWeights);
        Assert.False(bound.FromScratch);
        Assert.Equal("phase3-full", bound.Name);
        Assert.True(scratch.FromScratch);
        Assert.Null(scratch.EncoderWeights);
        Assert.Equal("phase3-full-scratch", scratch.Name);
        Assert.NotEqual(bound.Fingerprint(), scratch.Fingerprint());
        // Quick scale names the built-in ImageNet ResNet-18 by its converted file's hash.
        var quick = new PhaseRunner(new RunStore(folder.Combine("runs")), fixture.Data).BindEncoder(PhaseCatalog.Get("3", "quick"));
        Assert.Equal("resnet18-imagenet.safetensors", quick.EncoderWeights!.Name);
        Assert.Equal(Sha256(Lab.Checkpoints.Pretrained.PretrainedEncoders.WeightsFile("resnet18-imagenet")), quick.EncoderWeights.Sha256);
    }

    [Fact]
    public async Task ARunAnotherProcessIsTraining_IsWaitedFor_AndTheObserverSaysSo()
    {
        var waits = new List<string>();
        var runner = new PhaseRunner(new RunStore(fixture.NewRunsFolder()), fixture.Data, observer: new WaitRecorder(waits));
        var phase3 = runner.BindEncoder(TrainingFixture.Tiny("3", epochs: 1, trainImages: 8, valImages: 4) with { FromScratch = true });
        var run = fixture.FinishedRun(runner, phase3);

        var other = RunLock.Acquire(run); // the other trainer
        var ensure = Task.Run(() => runner.Ensure(phase3));
        await Task.WhenAny(ensure, Task.Delay(TimeSpan.FromSeconds(1.5)));
        Assert.False(ensure.IsCompleted, "Ensure did not wait for the run's other trainer");
        other.Dispose();
        var result = await ensure.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(RunOutcome.Reused, result.Outcome);
        Assert.Equal([$"{run.Name} is being trained by another process; waiting for it"], waits);
    }

    /// <summary>The plan's view of a run: its folder, found without training anything; none for a run whose parent is not
    /// finished (its key names the parent's checkpoint); the very folder training then fills.</summary>
    [Fact]
    public void Locate_NeverTrains_AndFindsTheFolderTrainingFills()
    {
        string runs = fixture.NewRunsFolder();
        var runner = new PhaseRunner(new RunStore(runs), fixture.Data);
        var phase3 = PhaseCatalog.Get("3", "smoke") with { FromScratch = true };
        var phase5 = PhaseCatalog.Get("5", "smoke") with { FromScratch = true };

        var phase3Folder = runner.Locate(phase3);
        Assert.NotNull(phase3Folder);
        Assert.False(phase3Folder.Exists);
        Assert.Null(runner.Locate(phase5)); // its Phase 3 is not finished
        Assert.Empty(Directory.Exists(runs) ? Directory.GetDirectories(runs) : []);

        var run = fixture.FinishedRun(runner, phase3);
        Directory.CreateDirectory(Path.GetDirectoryName(run.BestCheckpoint)!);
        File.WriteAllBytes(run.BestCheckpoint, [1, 2, 3]);
        Assert.Equal(run.Path, phase3Folder.Path);
        var phase5Folder = runner.Locate(phase5);
        Assert.NotNull(phase5Folder);
        Assert.False(phase5Folder.Exists);
        // The key names Phase 3's checkpoint: another checkpoint, another folder.
        File.WriteAllBytes(run.BestCheckpoint, [4, 5, 6]);
        Assert.NotEqual(phase5Folder.Path, runner.Locate(phase5)!.Path);
        Assert.Empty(Directory.GetDirectories(runs).Where(d => d != run.Path));
    }

    private sealed class WaitRecorder(List<string> messages) : ITrainingObserver
    {
        public void WaitingForRun(RunDirectory run, string message) => messages.Add(message);
    }

    [Trait(Tier.Category, Tier.Slow)]
    [Fact]
    public void PhaseFiveFollowsTheExactPhaseThreeCheckpointItStartsFrom()
    {
        var store = new RunStore(fixture.NewRunsFolder());
        var runner = new PhaseRunner(store, fixture.Data, new TrainingOptions(Device: CPU, Workers: 2));
        var phase5 = TrainingFixture.Tiny("5", epochs: 1, trainImages: 8, valImages: 4);
        // A finished Phase 3 run where the runner looks for it, with a random 10-class checkpoint.
        var phase3 = runner.BindEncoder(PhaseRunner.DependencyOf(phase5)! with { FromScratch = true });
        var parent = fixture.FinishedRun(runner, phase3);
        WriteRandomCheckpoint(parent.BestCheckpoint, phase3.Model, seed: 1);

        var first = runner.Ensure(phase5);
        var again = runner.Ensure(phase5);
        WriteRandomCheckpoint(parent.BestCheckpoint, phase3.Model, seed: 2); // Phase 3 retrained: another checkpoint
        var afterRetrain = runner.Ensure(phase5);

        Assert.Equal(RunOutcome.Trained, first.Outcome);
        Assert.Equal(RunOutcome.Reused, again.Outcome);
        Assert.Equal(first.Directory.Path, again.Directory.Path);
        Assert.Equal(RunOutcome.Trained, afterRetrain.Outcome);
        Assert.NotEqual(first.Directory.Path, afterRetrain.Directory.Path);
        Assert.Equal(Sha256(parent.BestCheckpoint), afterRetrain.Directory.ReadConfig().InitCheckpoint!.Sha256);
        Assert.NotEqual(first.Directory.ReadConfig().InitCheckpoint!.Sha256, afterRetrain.Directory.ReadConfig().InitCheckpoint!.Sha256);
    }

    internal static void WriteRandomCheckpoint(string path, ModelConfig config, int seed)
    {
        manual_seed(seed);
        using var model = DeepLabV3Plus.Create(config);
        model.ExportSafetensors(path);
    }
}
