using DesertSeg.Lab.Adaptation;
using DesertSeg.Lab.Adaptation.Objectives;
using DesertSeg.Lab.Data.Augmentation;
using DesertSeg.Lab.Models;
using static TorchSharp.torch;

namespace DesertSeg.Lab.Tests.Adaptation;

/// <summary>The ingredients of DACS/DAFormer self-training against hand-computed values.</summary>
public class SelfTrainingTests
{
    [Fact]
    public void EmaTeacherFollowsAlphaT_ThenTheCap()
    {
        using var student = DeepLabV3Plus.Create(new ModelConfig("resnet18", 2));
        using var teacher = new EmaTeacher(student, alpha: 0.999);
        var head = (Func<DeepLabV3Plus, Tensor>)(m => m.SegmentationHead.parameters().First());
        float x = head(student).data<float>()[0];
        Assert.Equal(x, head(teacher.Model).data<float>()[0]);

        using (no_grad()) head(student).add_(1); // student moves by exactly 1
        teacher.Update(student, stepsTaken: 9);    // alpha_9 = min(1 - 1/10, 0.999) = 0.9
        Assert.Equal(x + 0.1f, head(teacher.Model).data<float>()[0], 4);

        using (no_grad()) head(student).add_(1);  // student at x + 2
        teacher.Update(student, stepsTaken: 1_000_000); // alpha capped at 0.999
        Assert.Equal(0.999 * (x + 0.1) + 0.001 * (x + 2), head(teacher.Model).data<float>()[0], 4);

        Assert.Equal(0.5, teacher.AlphaAt(1));
        Assert.Throws<ArgumentOutOfRangeException>(() => teacher.AlphaAt(0));
    }

    [Fact]
    public void AfterTheFirstOptimizerStep_TheTeacherIsTheMeanOfTheInitialAndTheStepped_Student()
    {
        // DAFormer's _update_ema(1) after the first step: alpha 0.5, so the teacher averages students 0 and 1.
        using var student = DeepLabV3Plus.Create(new ModelConfig("resnet18", 2));
        using var objectives = TargetObjectives.Create([new SelfTraining()], student)!;
        var head = (Func<DeepLabV3Plus, Tensor>)(m => m.SegmentationHead.parameters().First());
        float x = head(student).data<float>()[0];
        using (no_grad()) head(student).add_(1);
        objectives.AfterStep(student, step: 0);
        Assert.Equal(x + 0.5f, head(objectives.Teacher!.Model).data<float>()[0], 4);
        using (no_grad()) head(student).add_(1); // student 2 at x + 2: alpha_2 = 2/3, the mean of x, x+1, x+2
        objectives.AfterStep(student, step: 1);
        Assert.Equal(x + 1f, head(objectives.Teacher!.Model).data<float>()[0], 4);
    }

    [Fact]
    public void Mic_AugmentsTheTargetBeforeMasking_AsItsSeparateTargetAugmentationMode()
    {
        manual_seed(3);
        using var target = randn(2, 3, 16, 16) * 0.5;
        var plain = new MaskedImageConsistency(BlockSize: 4, MaskRatio: 0, ColourJitterP: 0, BlurP: 0);
        using (var same = MaskedImageConsistency.MaskedInput(target, plain, new SampleRandom(1)))
            Assert.True(allclose(same, target, rtol: 1e-4, atol: 1e-5), "no jitter, no blur, no blocks: the image itself");

        // Nothing blanked, always blurred: the student sees the augmented image, not the clean one.
        using (var blurred = MaskedImageConsistency.MaskedInput(target, plain with { BlurP = 1 }, new SampleRandom(1)))
            Assert.False(allclose(blurred, target, rtol: 1e-3, atol: 1e-3));

        // Everything blanked after jitter and blur: blanked blocks are exactly 0 (masking comes last).
        var all = new MaskedImageConsistency(BlockSize: 4, MaskRatio: 1, ColourJitterP: 1, BlurP: 1);
        using (var blank = MaskedImageConsistency.MaskedInput(target, all, new SampleRandom(2)))
            Assert.Equal(0f, blank.abs().max().item<float>());
    }

    [Fact]
    public void ClassMixPastesHalfTheSourceClasses_RoundedUp_NeverIgnore()
    {
        long[] labels = [0, 0, 2, 2, 3, 3, 255, 255, 0, 2, 3, 255, 2, 2, 0, 0];
        using var label = tensor(labels, [4, 4]);
        for (ulong seed = 0; seed < 20; seed++)
        {
            var chosen = ClassMix.ChooseClasses(label, new SampleRandom(seed));
            Assert.Equal(2, chosen.Length); // ceil(3 / 2) of {0, 2, 3}
            Assert.All(chosen, c => Assert.Contains(c, new long[] { 0, 2, 3 }));
            Assert.Equal(chosen.Length, chosen.Distinct().Count());

            using var mask = ClassMix.Mask(label, chosen);
            var m = mask.data<float>().ToArray();
            for (int i = 0; i < labels.Length; i++) Assert.Equal(chosen.Contains(labels[i]) ? 1f : 0f, m[i]);

            using var source = full(new long[] { 1, 4, 4 }, 10f);
            using var target = full(new long[] { 1, 4, 4 }, -3f);
            using var mixed = ClassMix.Mix(mask.unsqueeze(0), source, target);
            var v = mixed.data<float>().ToArray();
            for (int i = 0; i < labels.Length; i++) Assert.Equal(m[i] == 1 ? 10f : -3f, v[i]);
        }
    }

    [Fact]
    public void PseudoLabelWeightIsTheShareOfConfidentPixels()
    {
        // Two classes; logit difference d gives probability 1 / (1 + e^-d) to class 0.
        // Pixels: p = 0.99 (class 0), 0.97 (class 0), 0.96 (class 1 at 0.96), 0.5 (tie: class 0).
        double Logit(double p) => Math.Log(p / (1 - p));
        float[] d = [(float)Logit(0.99), (float)Logit(0.97), -(float)Logit(0.96), 0f];
        var values = new float[8];
        for (int i = 0; i < 4; i++) { values[i] = d[i]; values[4 + i] = 0; }
        using var logits = tensor(values, [1, 2, 2, 2]);
        var (labels, weight) = SelfTrainingObjective.PseudoLabels(logits, 0.968);
        using (labels)
        using (weight)
        {
            Assert.Equal(new long[] { 0, 0, 1, 0 }, labels.data<long>().ToArray());
            Assert.Equal(0.5f, weight.item<float>(), 6); // 0.99 and 0.97 are above 0.968; 0.96 and 0.5 are not
        }
    }

    [Fact]
    public void WeightedCrossEntropyWeighsEachPixel_AndSkipsIgnore()
    {
        // Two pixels of two classes with logits (0, 0): CE = ln 2 each. Weights 1 and 0.25, a third pixel ignored.
        using var logits = zeros(1, 2, 1, 3);
        using var labels = tensor(new long[] { 0, 1, 255 }, [1, 1, 3]);
        using var weights = tensor(new float[] { 1f, 0.25f, 1f }, [1, 1, 3]);
        using var loss = SelfTrainingObjective.WeightedCrossEntropy(logits, labels, weights);
        Assert.Equal((1 + 0.25) * Math.Log(2) / 3, loss.item<float>(), 5);
    }
}

/// <summary>Rare-class sampling against hand-computed probabilities.</summary>
public class RareClassSamplingTests
{
    [Fact]
    public void RareClassesAreDrawnByTheirTemperedFrequency()
    {
        // Image 0: 90 px of class 0, 10 of class 1; image 1: 100 px of class 0; class 2 nowhere.
        // f = (0.95, 0.05, 0); with T = 0.1, P(1) = e^9.5 / (e^0.5 + e^9.5) = 1 / (1 + e^-9), P(0) the rest, P(2) = 0.
        var rcs = RareClassSampling.FromCounts([[90, 10, 0], [100, 0, 0]], temperature: 0.1);
        Assert.Equal(0.95, rcs.Frequency[0], 10);
        Assert.Equal(1 / (1 + Math.Exp(-9)), rcs.ClassProbability[1], 10);
        Assert.Equal(1 - 1 / (1 + Math.Exp(-9)), rcs.ClassProbability[0], 10);
        Assert.Equal(0, rcs.ClassProbability[2]);

        var order = rcs.Order(seed: 3, epoch: 0, count: 1000);
        // Class 1 lives in image 0 only; image 1 comes only with class 0 (expected 0.06 times in 1000).
        Assert.True(order.Count(i => i == 1) <= 3, $"image 1 drawn {order.Count(i => i == 1)} times");
        Assert.Equal(order, rcs.Order(seed: 3, epoch: 0, count: 1000)); // a function of (seed, epoch)
    }
}

/// <summary>MIC's block mask against hand-built cases.</summary>
public class MaskedImageConsistencyTests
{
    [Fact]
    public void BlocksAreWholeSquares_AllKeptAtRatioZero_AllBlankedAtRatioOne()
    {
        long[] shape = [2, 3, 6, 8]; // 2 x 3 blocks of 4 px (the last row of blocks cut to 2 px)
        using var none = MaskedImageConsistency.BlockMask(shape, new MaskedImageConsistency(BlockSize: 4, MaskRatio: 0),
            new SampleRandom(1), CPU);
        using var all = MaskedImageConsistency.BlockMask(shape, new MaskedImageConsistency(BlockSize: 4, MaskRatio: 1),
            new SampleRandom(1), CPU);
        Assert.Equal(new long[] { 2, 1, 6, 8 }, none.shape);
        Assert.All(none.data<float>().ToArray(), v => Assert.Equal(1f, v));
        Assert.All(all.data<float>().ToArray(), v => Assert.Equal(0f, v));

        using var half = MaskedImageConsistency.BlockMask(shape, new MaskedImageConsistency(BlockSize: 4, MaskRatio: 0.5),
            new SampleRandom(7), CPU);
        var m = half.data<float>().ToArray();
        // Every 4 x 4 block (cut at the border) is constant.
        for (int n = 0; n < 2; n++)
            for (int y = 0; y < 6; y++)
                for (int x = 0; x < 8; x++)
                    Assert.Equal(m[(n * 6 + y / 4 * 4) * 8 + x / 4 * 4], m[(n * 6 + y) * 8 + x]);
    }
}
