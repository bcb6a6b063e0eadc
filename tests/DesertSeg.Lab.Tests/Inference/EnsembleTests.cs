using DesertSeg.Lab.Inference;
using static TorchSharp.torch;

namespace DesertSeg.Lab.Tests.Inference;

/// <summary>An ensemble averages its members' probabilities (FDA's evaluation_multi.py), not their logits.</summary>
public class EnsembleTests
{
    [Fact]
    public void EnsembleOutputIsTheLogOfTheMembersMeanSoftmax()
    {
        using var dir = new TempFolder();
        string a = TinyModel.WriteRun(dir.Combine("a"), "5", seed: 1);
        string b = TinyModel.WriteRun(dir.Combine("b"), "5", seed: 2);
        manual_seed(3);
        using var input = randn(1, 3, TinyModel.Height, TinyModel.Width) * 2;

        using var first = Predictor.Load(a, device: CPU);
        using var second = Predictor.Load(b, device: CPU);
        using var ensemble = Predictor.Ensemble([a, b], CPU);
        using var pa = nn.functional.softmax(first.InputLogits(input), 1);
        using var pb = nn.functional.softmax(second.InputLogits(input), 1);
        using var expected = ((pa + pb) / 2).log();
        using var actual = ensemble.InputLogits(input);
        using var logitMean = (first.InputLogits(input) + second.InputLogits(input)) / 2;

        Assert.True(allclose(actual, expected, rtol: 1e-4, atol: 1e-5), "ensemble output != log mean softmax");
        Assert.False(allclose(actual, logitMean, rtol: 1e-3, atol: 1e-3), "the ensemble must not average logits");
    }
}
