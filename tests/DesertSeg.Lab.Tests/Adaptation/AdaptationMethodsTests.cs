using DesertSeg.Lab.Adaptation;
using DesertSeg.Lab.Data;
using DesertSeg.Lab.Evaluation;
using DesertSeg.Lab.Studies;
using DesertSeg.Lab.Training;

namespace DesertSeg.Lab.Tests.Adaptation;

/// <summary>The lab's one list of methods: every line names something that exists, unknown names are refused with the known ones.</summary>
public class AdaptationMethodsTests
{
    [Fact]
    public void EveryLineNamesARunOrMethodThatExists()
    {
        Assert.Equal(LabLines.All.Count, LabLines.All.Select(m => m.Label).Distinct().Count());
        foreach (var method in LabLines.All)
        {
            var phases = method switch
            {
                RunLine r => [r.Phase],
                TestTimeLine t => [t.Phase],
                OnlineTestTimeLine o => [o.Phase],
                EnsembleLine e => e.Phases,
                MultiEnvironmentLine m => [m.Phase],
                _ => throw new InvalidOperationException($"{method.Label}: a kind of line this test does not know"),
            };
            foreach (var phase in phases) PhaseCatalog.Get(phase, "smoke").Validate();
        }
        Assert.Single(LabLines.All, m => m.Kind == LineKind.Source);
        Assert.Single(LabLines.All, m => m.Kind == LineKind.Oracle);
        Assert.Equal("MinEnt", LabLines.ByLabel("MinEnt").Label);
    }

    [Fact]
    public void SmokeLineUpIsPartOfTheLineUp_WhichLeavesOutTheOptionalMethods()
    {
        var quick = LabLines.LineUp("quick");
        var smoke = LabLines.LineUp("smoke");
        Assert.All(smoke, m => Assert.Contains(m, quick));
        Assert.DoesNotContain(quick, m => m.Label == "Self-training + MIC");
        Assert.Contains(quick, m => m.Label == "FDA multi-band ensemble");
        Assert.DoesNotContain(smoke, m => m.Label == "FDA multi-band ensemble");
    }

    [Fact]
    public void UnknownNamesThrowWithTheKnownOnes()
    {
        var lab = Assert.Throws<ArgumentException>(() => LabLines.ByLabel("Self training"));
        Assert.Contains("Self-training (DACS)", lab.Message);
        var testTime = Assert.Throws<ArgumentException>(() => TestTimeMethod.ByName("adabm"));
        Assert.Contains("adabn, tent", testTime.Message);
        Assert.Contains("5-self-training", testTime.Message);
        Assert.Equal("tent", TestTimeMethod.ByName(" TENT ").Name);
        var phase = Assert.Throws<ArgumentException>(() => PhaseCatalog.Get("5-fdaa", "quick"));
        Assert.Contains("5-fda", phase.Message);
    }

    [Fact]
    public void AdaptedCheckpointKeyFollowsSettingsAndTarget()
    {
        string key = new TentConfig().Key("target-a");
        Assert.Equal(key, new TentConfig().Key("target-a"));
        Assert.NotEqual(key, new TentConfig(LearningRate: 1e-3).Key("target-a"));
        Assert.NotEqual(key, new TentConfig().Key("target-b"));
        Assert.NotEqual(key, new AdaBnConfig().Key("target-a"));
    }

    private static AdaptationResult Result(string method, LineKind kind, long rocksRight)
    {
        // Two classes: a 2x2 confusion matrix (truth x prediction), so the mIoU is known by hand.
        var confusion = ConfusionMatrix.FromCounts(7,
            Enumerable.Range(0, 49).Select(i => i == 0 ? 100L : i == 8 ? rocksRight : i == 1 ? 100 - rocksRight : 0L).ToList());
        var score = new SplitScore(FalconLayout.Test, ScoringProtocol.Native, ClassScheme.SevenClass, method, confusion, []);
        return new AdaptationResult(method, kind, "", [], score, null);
    }

    [Fact]
    public void SourceAndOracleAreFoundByKind_NotByPosition()
    {
        var source = Result("Source only", LineKind.Source, 20);
        var method = Result("AdaBN", LineKind.TestTime, 50);
        var oracle = Result("Oracle", LineKind.Oracle, 80);
        IReadOnlyList<AdaptationResult> shuffled = [method, oracle, source];

        Assert.Same(source, AdaptationTable.Source(shuffled));
        Assert.Same(oracle, AdaptationTable.Oracle(shuffled));
        Assert.Same(method, AdaptationTable.Best(shuffled));
        Assert.Null(AdaptationTable.Oracle([source, method]));
        var table = AdaptationTable.Of(shuffled);
        double s = source.Test.Metrics.MeanIoU, m = method.Test.Metrics.MeanIoU, o = oracle.Test.Metrics.MeanIoU;
        Assert.Equal(Math.Round((m - s) / (o - s), 3), (double)table["Gap closed"][0]!, 3);
        Assert.Equal("test-time", table["Kind"][0]);
    }
}
