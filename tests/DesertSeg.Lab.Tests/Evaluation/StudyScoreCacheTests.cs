using DesertSeg.Lab.Data;
using DesertSeg.Lab.Studies;
using DesertSeg.Lab.Tests.Inference;
using DesertSeg.Lab.Training;

namespace DesertSeg.Lab.Tests.Evaluation;

/// <summary>A study's score cache tells apart the same checkpoint scored in two ways (plain and online TENT).</summary>
public class StudyScoreCacheTests(TinyModel model) : IClassFixture<TinyModel>
{
    [Fact]
    public void TheSameCheckpointScoredIntoTwoFoldersKeepsBothScores()
    {
        using var dir = new TempFolder();
        using var study = new Study(FalconDataset.Open(model.Data), "smoke", new RunStore(dir.Combine("runs")));
        string checkpoint = Path.Combine(model.RunFolder, "checkpoints", "best.safetensors");
        // Two models that cannot agree: each one's head says one class everywhere (Landscape, then Sky).
        using var first = Predicting(TinyModel.Predictor(seed: 1), "Landscape");
        using var other = Predicting(TinyModel.Predictor(seed: 2), "Sky");

        var a = study.ScoreCheckpoints([checkpoint], dir.Combine("plain"), FalconLayout.Test, predictor: () => first);
        var b = study.ScoreCheckpoints([checkpoint], dir.Combine("adapted"), FalconLayout.Test, predictor: () => other);
        var again = study.ScoreCheckpoints([checkpoint], dir.Combine("plain"), FalconLayout.Test, predictor: () => other);

        Assert.NotEqual(a.Confusion.Counts(), b.Confusion.Counts());
        Assert.Same(a, again);
    }

    private static Lab.Inference.Predictor Predicting(Lab.Inference.Predictor predictor, string className)
    {
        var bias = predictor.Model.named_parameters().Last(p => p.name.EndsWith(".bias") && p.parameter.shape[0] == predictor.Scheme.Count);
        using (TorchSharp.torch.no_grad()) bias.parameter[predictor.Scheme.IndexOf(className)].add_(1000);
        return predictor;
    }
}
