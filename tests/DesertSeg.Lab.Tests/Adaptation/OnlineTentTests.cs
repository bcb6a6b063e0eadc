using DesertSeg.Lab.Adaptation;
using DesertSeg.Lab.Inference;
using DesertSeg.Lab.Models;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace DesertSeg.Lab.Tests.Adaptation;

/// <summary>TENT online, as its reference code: batch statistics, predictions from the adapting pass, affine parameters only.</summary>
public class OnlineTentTests
{
    private static DeepLabV3Plus Model()
    {
        manual_seed(21);
        var model = DeepLabV3Plus.Create(new ModelConfig("resnet18", 3));
        model.eval();
        return model;
    }

    private static Tensor Batch(int seed)
    {
        manual_seed(seed);
        return randn(2, 3, 32, 32) * 1.5 + 0.3;
    }

    /// <summary>Makes <paramref name="to"/> hold <paramref name="from"/>'s weights and buffers: the same model whatever other
    /// tests draw from torch's generator meanwhile (tests run in parallel).</summary>
    private static void CopyWeights(DeepLabV3Plus from, DeepLabV3Plus to)
    {
        using var _ = no_grad();
        foreach (var (t, f) in to.parameters().Zip(from.parameters())) t.copy_(f);
        foreach (var (t, f) in to.buffers().Zip(from.buffers())) t.copy_(f);
    }

    private static Dictionary<string, float[]> Parameters(nn.Module model) =>
        model.named_parameters().ToDictionary(p => p.name, p => p.parameter.detach().clone().data<float>().ToArray());

    [Fact]
    public void PredictsFromTheAdaptingPass_InBatchStatistics_AndUpdatesOnlyBatchNormAffine()
    {
        using var adapted = Model();
        using var reference = Model();
        CopyWeights(adapted, reference);
        foreach (var bn in reference.modules().OfType<BatchNorm>()) bn.train(); // batch statistics, nothing adapted
        using var first = Batch(1);
        using var second = Batch(2);
        var before = Parameters(adapted);
        using var tent = new OnlineTent(adapted, new OnlineTentConfig(LearningRate: 1e-2));

        using var predicted = tent.Forward(adapted, first);
        using (no_grad())
        using (var expected = reference.call(first))
            Assert.True(allclose(predicted, expected, rtol: 1e-4, atol: 1e-5), "the first batch must be predicted before the update");

        var after = Parameters(adapted);
        var bnNames = adapted.named_modules().Where(m => m.module is BatchNorm).Select(m => m.name).ToHashSet();
        bool IsAffine(string name) => bnNames.Contains(name[..name.LastIndexOf('.')]);
        var changed = before.Keys.Where(k => !before[k].SequenceEqual(after[k])).ToList();
        Assert.NotEmpty(changed);
        Assert.All(changed, k => Assert.True(IsAffine(k), $"{k} changed but is not a BatchNorm affine parameter"));

        using var next = tent.Forward(adapted, second);
        using (no_grad())
        using (var unadapted = reference.call(second))
            Assert.False(allclose(next, unadapted, rtol: 1e-4, atol: 1e-5), "the second batch must see the adapted model");
        Assert.Equal(2, tent.Entropies.Count);
    }

    [Fact]
    public void WithTwoSteps_ThePredictionsAreTheLastPass_AsTheReferenceReturnsTheLastOutputs()
    {
        // tent.py's forward loops forward_and_adapt `steps` times and returns the last outputs: with two steps, the model
        // after one update on this batch, which is what a one-step TENT gives when it sees the same batch a second time.
        using var twoStepModel = Model();
        using var oneStepModel = Model();
        CopyWeights(twoStepModel, oneStepModel);
        using var batch = Batch(5);
        using var twoSteps = new OnlineTent(twoStepModel, new OnlineTentConfig(LearningRate: 1e-2, Steps: 2));
        using var oneStep = new OnlineTent(oneStepModel, new OnlineTentConfig(LearningRate: 1e-2));

        using var predicted = twoSteps.Forward(twoStepModel, batch);
        using var beforeUpdate = oneStep.Forward(oneStepModel, batch);
        using var afterOneUpdate = oneStep.Forward(oneStepModel, batch);
        Assert.True(allclose(predicted, afterOneUpdate, rtol: 1e-4, atol: 1e-5), "two steps must return the second pass");
        Assert.False(allclose(predicted, beforeUpdate, rtol: 1e-4, atol: 1e-5), "the first pass is not what two steps return");
    }

    [Fact]
    public void EpisodicTentResetsBeforeEveryBatch()
    {
        using var model = Model();
        using var batch = Batch(3);
        using var tent = new OnlineTent(model, new OnlineTentConfig(LearningRate: 1e-2, Episodic: true));
        using var a = tent.Forward(model, batch);
        using var b = tent.Forward(model, batch);
        Assert.True(allclose(a, b, rtol: 1e-4, atol: 1e-5));
    }

    [Fact]
    public void OnlineAdaptationRefusesTta()
    {
        using var predictor = TinyPredictor();
        predictor.Online = new OnlineTent(predictor.Model);
        using var input = Batch(4);
        Assert.Throws<InvalidOperationException>(() => predictor.InputLogits(input, TestTimeAugmentation.Original));
    }

    private static Predictor TinyPredictor() => Inference.TinyModel.Predictor(classes: 7);
}
