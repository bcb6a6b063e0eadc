using DesertSeg.Lab.Adaptation;
using DesertSeg.Lab.Adaptation.Objectives;
using DesertSeg.Lab.Checkpoints;
using DesertSeg.Lab.Training;

namespace DesertSeg.Lab.Tests.Training;

/// <summary>A run's key changes exactly when its results would: not for words, names or unset settings.</summary>
public class RunKeyTests
{
    private static readonly RunConfig Bound = PhaseCatalog.Get("5-self-training", "quick") with
    {
        EncoderWeights = new WeightsFile("resnet18-imagenet.safetensors", new string('a', 64)),
        InitCheckpoint = new WeightsFile("phase3-quick-0123456789/checkpoints/best.safetensors", new string('b', 64)),
        Target = new TargetBinding("unlabelled", "0123456789abcdef", Transductive: false),
    };

    [Fact]
    public void DescriptionNamesAndUnsetFields_DoNotChangeTheKey()
    {
        string key = Bound.Fingerprint();

        Assert.Equal(key, (Bound with { Description = "fixed a typo" }).Fingerprint());
        Assert.Equal(key, (Bound with { Phase = "my-copy", Scale = "mine" }).Fingerprint());
        Assert.Equal(key, (Bound with { Target = Bound.Target! with { Name = "renamed-folder" } }).Fingerprint());
        Assert.Equal(key,
            (Bound with { InitCheckpoint = Bound.InitCheckpoint! with { Name = "phase3-quick-ffffffffff/checkpoints/best.safetensors" } })
                .Fingerprint());
        var plain = PhaseCatalog.Get("5", "quick");
        Assert.Equal(plain.Fingerprint(), (plain with { Objectives = [] }).Fingerprint()); // empty list = none
        Assert.Equal(key, RunConfig.FromJson(Bound.ToJson()).Fingerprint());
    }

    [Fact]
    public void WhatTrainsDifferently_ChangesTheKey()
    {
        string key = Bound.Fingerprint();
        var changed = new[]
        {
            Bound with { Objectives = [new SelfTraining(), new MaskedImageConsistency(BlockSize: 16)] },
            Bound with { Objectives = [new SelfTraining(Weight: 0.5)] },
            Bound with { Objectives = [new SelfTraining(), new FdaEntropy()] },
            Bound with { Objectives = [new SelfTraining(), new FdaEntropy(StartFraction: 0)] },
            Bound with { RareClassSampling = null },
            Bound with { Target = Bound.Target! with { Fingerprint = "fedcba9876543210" } },
            Bound with { Target = Bound.Target! with { Transductive = true } },
            Bound with { InitCheckpoint = Bound.InitCheckpoint! with { Sha256 = new string('c', 64) } },
            Bound with { TrainOn = TrainingData.Oracle },
            Bound with { Seed = 43 },
        };
        var keys = changed.Select(c => c.Fingerprint()).Append(key).ToList();
        Assert.Equal(keys.Count, keys.Distinct().Count());
    }

    [Fact]
    public void ObjectivesSurviveTheRunFolder_WithTheirTypes()
    {
        var config = Bound with
        {
            Objectives = [new SelfTraining(Weight: 0.7), new MaskedImageConsistency(BlockSize: 16), new FdaEntropy(Eta: 1.5)]
        };

        var back = RunConfig.FromJson(config.ToJson());

        Assert.Equal(config.Objectives, back.Objectives!);
        Assert.Equal(config.Target, back.Target);
        Assert.Contains("\"type\": \"MIC\"", config.ToJson());
    }
}

/// <summary>Run keys pinned: settings added to RunConfig after runs existed must not move the keys of the runs that exist.</summary>
public class PinnedRunKeyTests
{
    /// <summary>
    /// The key of the catalog's Phase 5 at quick scale, as every earlier version of the workspace computed it. If this fails,
    /// every user's finished runs would be retrained: leave a new setting out of the key at its default (as
    /// <see cref="RunConfig.RecordTest"/> is), or bump <see cref="ResultVersions.Training"/> when results really change.
    /// </summary>
    [Fact]
    public void NewSettingsAtTheirDefaults_KeepEarlierRunKeys()
    {
        Assert.Equal("b9ddb81e535b", PhaseCatalog.Get("5", "quick").Fingerprint());
        Assert.NotEqual(PhaseCatalog.Get("5", "quick").Fingerprint(), (PhaseCatalog.Get("5", "quick") with { RecordTest = true }).Fingerprint());
    }
}
