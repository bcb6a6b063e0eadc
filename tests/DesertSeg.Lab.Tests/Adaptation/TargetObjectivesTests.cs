using DesertSeg.Lab.Adaptation.Objectives;
using DesertSeg.Lab.Data.Augmentation;
using DesertSeg.Lab.Data.Loading;
using DesertSeg.Lab.Models;
using DesertSeg.Lab.Training;
using static TorchSharp.torch;

namespace DesertSeg.Lab.Tests.Adaptation;

/// <summary>A run's target objectives are summed (none dropped), share one teacher, and impossible lists are refused by name.</summary>
public class TargetObjectivesTests
{
    private const int Size = 32;

    private static (DeepLabV3Plus Student, BatchTensors Source, Tensor Target) Step()
    {
        random.manual_seed(5);
        var student = DeepLabV3Plus.Create(new ModelConfig("resnet18", 3));
        student.eval(); // deterministic forwards (no dropout, running statistics): the test is about the sum
        var images = randn(2, 3, Size, Size);
        var masks = randint(0, 3, [2, Size, Size], dtype: ScalarType.Int64);
        return (student, new BatchTensors(images, masks), randn(2, 3, Size, Size));
    }

    // The last step of a training: every objective with a schedule acts there.
    private static readonly StepOfTraining LastStep = new(Index: 99, Total: 100);

    private static float LossOf(IReadOnlyList<TargetObjectiveConfig> configs, DeepLabV3Plus student, BatchTensors source, Tensor target,
        StepOfTraining? at = null)
    {
        using var objectives = TargetObjectives.Create(configs, student)!;
        using var scope = NewDisposeScope();
        return objectives.Loss(student, source, target, new SampleRandom(9), at ?? LastStep).item<float>();
    }

    [Fact]
    public void FdaEntropy_ActsInTheSecondHalfOfTrainingOnly_AsTheReferencesSwitch()
    {
        var (student, source, target) = Step();
        using (student) using (source) using (target)
        {
            // FDA's train.py: loss = seg + (1 if i > switch2entropy else 0) * entW * ent, switch2entropy = 50 000 of 100 000.
            var entropy = new FdaEntropy(Weight: 0.5);
            float term;
            using (no_grad()) using (var logits = student.call(target))
                term = FdaEntropy.RobustEntropy(logits, 2.0).item<float>() * 0.5f;

            Assert.True(term > 1e-3, $"the entropy term must be visible ({term})");
            Assert.Equal(0f, LossOf([entropy], student, source, target, new StepOfTraining(0, 100)));
            Assert.Equal(0f, LossOf([entropy], student, source, target, new StepOfTraining(50, 100)));
            Assert.Equal(term, LossOf([entropy], student, source, target, new StepOfTraining(51, 100)), 5);
            Assert.Equal(term, LossOf([entropy with { StartFraction = 0 }], student, source, target, new StepOfTraining(1, 100)), 5);
        }
    }

    [Fact]
    public void FdaEntropy_BeforeItsSwitch_StillShowsTheTargetBatchToBatchNorm_WithoutAGradient()
    {
        // Two identical students in train mode: one asked for the term before the switch (weighted 0), one after it. The
        // second copies the first's weights (torch's global generator is shared with tests running in parallel).
        using var original = DeepLabV3Plus.Create(new ModelConfig("resnet18", 3));
        using var target = randn(2, 3, Size, Size);
        Tensor RunningMeanAfter(StepOfTraining at, out bool hasGradient, out float loss)
        {
            using var student = DeepLabV3Plus.Create(new ModelConfig("resnet18", 3));
            student.load_state_dict(original.state_dict());
            student.train();
            using var objectives = TargetObjectives.Create([new FdaEntropy(Weight: 0.5)], student)!;
            using var scope = NewDisposeScope();
            var term = objectives.Loss(student, new BatchTensors(zeros(2, 3, Size, Size), zeros(2, Size, Size, dtype: ScalarType.Int64)),
                target, new SampleRandom(9), at);
            hasGradient = term.requires_grad;
            loss = term.item<float>();
            return student.state_dict()["encoder.bn1.running_mean"].clone().MoveToOuterDisposeScope();
        }

        using var before = RunningMeanAfter(new StepOfTraining(10, 100), out bool gradientBefore, out float lossBefore);
        using var after = RunningMeanAfter(new StepOfTraining(90, 100), out bool gradientAfter, out float lossAfter);

        Assert.Equal(0f, lossBefore);
        Assert.False(gradientBefore, "a term weighted 0 needs no backward pass");
        Assert.True(gradientAfter);
        Assert.True(lossAfter > 1e-3, $"the active term must be visible ({lossAfter})");
        // The running statistics moved away from their initial zeros, the same way in both (same forward pass).
        Assert.True(after.abs().max().item<float>() > 1e-4, "the target batch did not reach BatchNorm's statistics");
        Assert.True(before.allclose(after, rtol: 0, atol: 0), "before the switch BatchNorm must see the target batch as after it");
    }

    [Fact]
    public void FdaEntropy_BeforeItsSwitch_GivesTheGradientsOfTheReferencesZeroWeightedTerm_Exactly()
    {
        // The reference adds 0 x entW x entropy (with its backward pass); ours skips that pass. Same weights, same batches:
        // every parameter's gradient and every BatchNorm buffer must be equal to the last bit.
        using var original = DeepLabV3Plus.Create(new ModelConfig("resnet18", 3));
        using var images = randn(2, 3, Size, Size);
        using var masks = randint(0, 3, [2, Size, Size], dtype: ScalarType.Int64);
        using var target = randn(2, 3, Size, Size);
        var before = new StepOfTraining(10, 100);

        Dictionary<string, Tensor> AfterBackward(bool reference)
        {
            using var student = DeepLabV3Plus.Create(new ModelConfig("resnet18", 3));
            student.load_state_dict(original.state_dict());
            student.train();
            // ASPP's dropout draws from torch's global generator, which the two calls (and parallel tests) share: off here.
            foreach (var (_, module) in student.named_modules())
                if (module is TorchSharp.Modules.Dropout) module.eval();
            using var objectives = TargetObjectives.Create([new FdaEntropy()], student)!;
            using var scope = NewDisposeScope();
            var total = nn.functional.cross_entropy(student.call(images), masks);
            total = reference
                ? total + FdaEntropy.RobustEntropy(student.call(target), 2.0) * 0.0
                : total + objectives.Loss(student, new BatchTensors(images, masks), target, new SampleRandom(9), before);
            total.backward();
            var state = student.named_parameters().ToDictionary(p => "grad " + p.name, p => p.parameter.grad!.clone());
            foreach (var (name, buffer) in student.named_buffers()) state[name] = buffer.clone();
            foreach (var tensor in state.Values) tensor.MoveToOuterDisposeScope();
            return state;
        }

        var ours = AfterBackward(reference: false);
        var theirs = AfterBackward(reference: true);
        try
        {
            Assert.Equal(theirs.Keys.Order(), ours.Keys.Order());
            Assert.Contains(ours.Keys, k => k.EndsWith("running_mean"));
            var differing = theirs.Where(kv => !kv.Value.equal(ours[kv.Key]).all().item<bool>())
                .Select(kv => $"{kv.Key} (max |diff| {(kv.Value - ours[kv.Key]).abs().max().item<float>():E2}, max |value| {kv.Value.abs().max().item<float>():E2})").ToList();
            Assert.True(differing.Count == 0, $"{differing.Count} of {theirs.Count} differ: " + string.Join("; ", differing.Take(8)));
        }
        finally
        {
            foreach (var tensor in ours.Values.Concat(theirs.Values)) tensor.Dispose();
        }
    }

    [Fact]
    public void SelfTrainingAndEntropyTogether_AddBothTerms()
    {
        var (student, source, target) = Step();
        using (student) using (source) using (target)
        {
            var entropy = new FdaEntropy(Weight: 0.5);
            var selfTraining = new SelfTraining();
            float both = LossOf([selfTraining, entropy], student, source, target);
            float alone = LossOf([selfTraining], student, source, target);
            float entropyTerm;
            using (no_grad()) using (var logits = student.call(target))
                entropyTerm = FdaEntropy.RobustEntropy(logits, 2.0).item<float>() * 0.5f;

            Assert.True(entropyTerm > 1e-3, $"the entropy term must be visible ({entropyTerm})");
            Assert.Equal(alone + entropyTerm, both, 4);
        }
    }

    [Fact]
    public void SelfTrainingAndMic_ShareOneTeacher_MinEntWithMicGetsOne()
    {
        using var student = DeepLabV3Plus.Create(new ModelConfig("resnet18", 3));
        using var mixed = TargetObjectives.Create([new SelfTraining(), new MaskedImageConsistency(BlockSize: 8)], student)!;
        using var minEnt = TargetObjectives.Create([new MinimumEntropy(), new MaskedImageConsistency(BlockSize: 8)], student)!;
        using var alone = TargetObjectives.Create([new MinimumEntropy()], student)!;

        Assert.NotNull(mixed.Teacher);
        Assert.Equal(0.999, mixed.Teacher!.Alpha);
        Assert.NotNull(minEnt.Teacher);
        Assert.Null(alone.Teacher);
        Assert.Null(TargetObjectives.Create([], student));
        Assert.Null(TargetObjectives.Create(null, student));
    }

    [Fact]
    public void MinEntIsTheNormalisedEntropy_ByHand()
    {
        // Two classes with p = (0.25, 0.75): H = -(0.25 ln 0.25 + 0.75 ln 0.75) = 0.562335 nats; / ln 2 = 0.811278.
        using var skewed = tensor(new float[] { 0f, (float)Math.Log(3) }, [1, 2, 1, 1]);
        Assert.Equal(0.811278, MinimumEntropy.NormalisedEntropy(skewed).item<float>(), 5);
        using var uniform = zeros(2, 5, 3, 3);
        Assert.Equal(1.0, MinimumEntropy.NormalisedEntropy(uniform).item<float>(), 5);
        using var certain = tensor(new float[] { 50f, 0f, 0f }, [1, 3, 1, 1]);
        Assert.Equal(0.0, MinimumEntropy.NormalisedEntropy(certain).item<float>(), 5);
    }

    [Theory]
    [MemberData(nameof(ImpossibleLists))]
    public void ImpossibleListsAreRefusedByName(TargetObjectiveConfig[] configs, string[] named)
    {
        var config = PhaseCatalog.Get("5", "smoke") with { Objectives = configs };

        var e = Assert.Throws<ArgumentException>(config.Validate);

        Assert.All(named, n => Assert.Contains(n, e.Message));
    }

    public static TheoryData<TargetObjectiveConfig[], string[]> ImpossibleLists() => new()
    {
        { [new SelfTraining(), new SelfTraining(Weight: 0.5)], ["self-training"] },
        { [new FdaEntropy(), new MinimumEntropy()], ["FDA entropy", "MinEnt"] },
        { [new SelfTraining(EmaAlpha: 0.99), new MaskedImageConsistency()], ["self-training", "MIC", "0.99"] },
    };

    [Fact]
    public void PossibleListsValidate()
    {
        var p5 = PhaseCatalog.Get("5", "smoke");
        (p5 with { Objectives = [new SelfTraining(), new FdaEntropy()] }).Validate();
        (p5 with { Objectives = [new MinimumEntropy(), new MaskedImageConsistency()] }).Validate();
        foreach (var name in PhaseCatalog.AdaptationRuns) PhaseCatalog.Get(name, "smoke").Validate();
    }
}
