using DesertSeg.Lab.Checkpoints;
using DesertSeg.Lab.Data;
using DesertSeg.Lab.Models;
using DesertSeg.Lab.Training;
using static TorchSharp.torch;

namespace DesertSeg.Lab.Tests.Training;

/// <summary>
/// A run that differs from Phase 5 only in how it chooses its epoch is made from Phase 5's kept epoch models
/// (<see cref="Trainer.Reselect"/>) instead of training Phase 5 again: it must be the run that training it gives.
/// </summary>
[Collection(TrainingCollection.Name)]
public class ReselectionTests(TrainingFixture fixture)
{
    private static readonly TrainingOptions Cpu = new(Device: CPU, Workers: 2);

    [Fact]
    public void OnlyTheConfigurationThatASelectionRecipeChoosesFromKeepsItsEpochModels_AndOnlyAtFewEpochs()
    {
        Assert.True(PhaseCatalog.KeepsEpochModels(PhaseCatalog.Get("5", "quick")));
        Assert.True(PhaseCatalog.KeepsEpochModels(PhaseCatalog.Get("5", "smoke")));
        Assert.False(PhaseCatalog.KeepsEpochModels(PhaseCatalog.Get("5", "full")), "60 ResNet-101 models are 14 GB");
        Assert.False(PhaseCatalog.KeepsEpochModels(PhaseCatalog.Get("3", "quick")));
        Assert.False(PhaseCatalog.KeepsEpochModels(PhaseCatalog.Get("5-ohem", "quick")));
    }

    [Fact]
    public void TheSelectionVariantHasPhaseFivesTraining_AndAnAdaptationRunKeepsTheTargetItTrainsOn()
    {
        var phase5 = PhaseCatalog.Get("5", "quick");
        var twin = PhaseCatalog.Get("5-select-estimate", "quick") with
        {
            Target = new Lab.Adaptation.TargetBinding("unlabelled", "0123456789abcdef", false),
        };
        var fda = PhaseCatalog.Get("5-fda", "quick") with { Target = twin.Target };

        Assert.NotEqual(phase5.Fingerprint(), twin.Fingerprint());
        Assert.Equal(phase5.Fingerprint(), twin.WithValidationSelection().Fingerprint());
        Assert.Equal(twin.Target, fda.WithValidationSelection().Target); // FDA trains on the target: same training needs it
        Assert.NotEqual(phase5.Fingerprint(), fda.WithValidationSelection().Fingerprint());
        Assert.Equal(phase5.Fingerprint(), (phase5 with { Selection = ModelSelection.TestLeak, TestLeakEvery = 1 })
            .WithValidationSelection().Fingerprint());
    }

    [Trait(Tier.Category, Tier.Slow)]
    [Fact]
    public void ARunThatOnlySelectsOtherwise_IsMadeFromPhaseFivesKeptEpochs_AsTrainingItWouldMakeIt()
    {
        var phase5 = TrainingFixture.Tiny("5", epochs: 3);
        // Selects on test, scored after every second epoch: a choice that reads scores Phase 5's history does not have, and
        // that cannot choose epoch 0 (unscored), which validation always does first.
        var twin = phase5 with { Phase = "5-leak", Selection = ModelSelection.TestLeak, TestLeakEvery = 2 };
        using var folder = new TempFolder();
        string phase3Checkpoint = folder.Combine("phase3.safetensors");
        using (var model = DeepLabV3Plus.Create(PhaseRunner.DependencyOf(phase5)!.Model)) model.ExportSafetensors(phase3Checkpoint);
        var withSource = Runner(phase3Checkpoint, out var storeA);
        var alone = Runner(phase3Checkpoint, out _);

        var source = withSource.Ensure(phase5);
        var reselected = withSource.Ensure(twin);
        var trained = alone.Ensure(twin);

        Assert.Equal(RunOutcome.Trained, source.Outcome);
        Assert.All(source.Directory.ReadHistory(), r => Assert.True(File.Exists(source.Directory.StateModelFile(r.Epoch)),
            $"Phase 5 did not keep epoch {r.Epoch}'s model"));
        Assert.Equal(RunOutcome.Reselected, reselected.Outcome);
        Assert.Equal(RunOutcome.Trained, trained.Outcome);
        Assert.Equal(Path.GetFileName(trained.Directory.Path), Path.GetFileName(reselected.Directory.Path)); // same run key
        var expected = trained.Directory.ReadHistory();
        var actual = reselected.Directory.ReadHistory();
        Assert.Equal(expected.Count, actual.Count);
        for (int i = 0; i < expected.Count; i++)
        {
            var (e, a) = (expected[i].WithoutTimings(), actual[i].WithoutTimings());
            Assert.True(e with { ValClassIoU = [] } == a with { ValClassIoU = [] } && e.ValClassIoU.SequenceEqual(a.ValClassIoU),
                $"epoch {i}: trained {e}, re-selected {a}");
        }
        Assert.NotNull(actual[1].TestMeanIoU);
        Assert.False(actual[0].Best);
        Assert.True(source.Directory.ReadHistory()[0].Best);
        Assert.Equal(File.ReadAllBytes(trained.Directory.BestCheckpoint), File.ReadAllBytes(reselected.Directory.BestCheckpoint));
        Assert.Equal(trained.Directory.ReadStatus()!.BestEpoch, reselected.Directory.ReadStatus()!.BestEpoch);
        Assert.Equal(RunOutcome.Reused, withSource.Ensure(twin).Outcome);

        // A kept model that is not its epoch's (here epoch 0's bytes under epoch 1's name) is refused, naming the file.
        string epoch1 = source.Directory.StateModelFile(1);
        File.Copy(source.Directory.StateModelFile(0), epoch1, overwrite: true);
        var other = new RunDirectory(Path.Combine(storeA.Folder, "reselected-again"));
        var error = Assert.Throws<DataFormatException>(() =>
            new Trainer(reselected.Config, fixture.Data, other, Cpu).Reselect(source.Directory));
        Assert.Contains(epoch1, error.Message);
        Assert.Contains("not that epoch's model", error.Message);

        // Without every epoch's model there is nothing to choose from: the run is trained.
        File.Delete(epoch1);
        Assert.Null(withSource.KeptTrainingOf(reselected.Config));
    }

    /// <summary>A runner on a new runs folder where Phase 3 is a finished run with the given checkpoint (so Phase 5's key is
    /// the same in every such folder).</summary>
    private PhaseRunner Runner(string phase3Checkpoint, out RunStore store)
    {
        store = new RunStore(fixture.NewRunsFolder());
        var runner = new PhaseRunner(store, fixture.Data, Cpu);
        var phase3 = runner.BindEncoder(PhaseRunner.DependencyOf(TrainingFixture.Tiny("5", epochs: 3))! with { FromScratch = true });
        var parent = fixture.FinishedRun(runner, phase3);
        Directory.CreateDirectory(Path.GetDirectoryName(parent.BestCheckpoint)!);
        File.Copy(phase3Checkpoint, parent.BestCheckpoint);
        return runner;
    }
}
