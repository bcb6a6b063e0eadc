using DesertSeg.Lab.Generalisation;
using DesertSeg.Lab.Models;
using DesertSeg.Lab.Training;
using static TorchSharp.torch;

namespace DesertSeg.Lab.Tests.Generalisation;

/// <summary>Each ingredient's defining property, checked against arithmetic done here, not by the code under test. In the
/// training collection: these tests seed and draw from torch's process-wide generator, which a training beside them reads.</summary>
[Collection(Training.TrainingCollection.Name)]
public sealed class GeneralisationIngredientTests
{
    private static Tensor Images(long n = 4, long h = 32, long w = 48, int seed = 1)
    {
        var generator = new TorchSharp.torch.Generator((ulong)seed);
        return randn([n, 3, h, w], generator: generator);
    }

    private static double MaxDifference(Tensor a, Tensor b) => (a - b).abs().max().item<float>();

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(7)]
    public void RandConv_WithADeltaFilter_KeepsTheImage_EdgesIncluded(int k)
    {
        using var scope = NewDisposeScope();
        var x = Images();
        var delta = zeros(3, 3, k, k);
        for (int c = 0; c < 3; c++) delta[c, c, k / 2, k / 2] = tensor(1f);

        var output = RandConv.Apply(x, delta, alpha: 1.0);

        Assert.Equal(x.shape, output.shape);
        Assert.True(MaxDifference(x, output) < 1e-6, $"k={k}: a delta filter changed the image by {MaxDifference(x, output)}");
    }

    [Fact]
    public void RandConv_MixesByAlpha_AndASwappedChannelFilterSwapsChannels()
    {
        using var scope = NewDisposeScope();
        var x = Images();
        var swap = zeros(3, 3, 1, 1);
        swap[0, 2, 0, 0] = tensor(1f); swap[1, 1, 0, 0] = tensor(1f); swap[2, 0, 0, 0] = tensor(1f);

        var output = RandConv.Apply(x, swap, alpha: 0.25);

        var expected = x.flip(1) * 0.25 + x * 0.75;
        Assert.True(MaxDifference(expected, output) < 1e-5);
    }

    [Fact]
    public void RandConv_DrawsFromTorchsGenerator_SoASeedRepeatsIt_AndKeepsTheShape()
    {
        using var scope = NewDisposeScope();
        var x = Images();
        var randConv = new RandConv();
        random.manual_seed(5);
        var first = randConv.Randomise(x);
        random.manual_seed(5);
        var again = randConv.Randomise(x);

        Assert.Equal(x.shape, first.shape);
        Assert.Equal(0.0, MaxDifference(first, again));
        Assert.True(MaxDifference(first, x) > 1e-3, "a random convolution left the batch unchanged");
    }

    [Fact]
    public void MixStyle_WithLambdaOne_IsTheIdentity_AndWithLambdaZero_TakesThePartnersStatistics()
    {
        using var scope = NewDisposeScope();
        var x = Images() * 3 + 1;
        var swap = tensor(new long[] { 1, 0, 3, 2 });

        var same = MixStyle.Mix(x, swap, ones(4, 1, 1, 1));
        var swapped = MixStyle.Mix(x, swap, zeros(4, 1, 1, 1), eps: 0);

        Assert.True(MaxDifference(same, x) < 1e-4);
        // Image 0 now has image 1's per-channel mean and standard deviation, and its own normalised pattern.
        var means = x.mean([2, 3]);
        var sds = x.std([2, 3]);
        Assert.True(MaxDifference(swapped.mean([2, 3])[0], means[1]) < 1e-4);
        Assert.True(MaxDifference(swapped.std([2, 3])[0], sds[1]) < 1e-4);
        var pattern = (x[0] - x[0].mean([1, 2], keepdim: true)) / x[0].std([1, 2], keepdim: true);
        var patternAfter = (swapped[0] - swapped[0].mean([1, 2], keepdim: true)) / swapped[0].std([1, 2], keepdim: true);
        Assert.True(MaxDifference(pattern, patternAfter) < 1e-4);
    }

    [Fact]
    public void Dsu_RedrawnToItsOwnStatistics_IsTheIdentity_AndItsDrawsAreCentredOnThem()
    {
        using var scope = NewDisposeScope();
        var x = Images(8) * 2 - 1;
        var mu = x.mean([2, 3], keepdim: true);
        var sigma = x.std([2, 3], keepdim: true);
        Assert.True(MaxDifference(DistributionUncertainty.Redraw(x, mu, sigma, mu, sigma), x) < 1e-4);

        random.manual_seed(3);
        var perturbed = new DistributionUncertainty(P: 1).Perturb(x);
        Assert.Equal(x.shape, perturbed.shape);
        Assert.True(MaxDifference(perturbed, x) > 1e-3, "DSU at p = 1 left the features unchanged");
        // Normalised patterns survive: only the statistics move.
        var pattern = (x - mu) / sigma;
        var after = (perturbed - perturbed.mean([2, 3], keepdim: true)) / perturbed.std([2, 3], keepdim: true);
        Assert.True(MaxDifference(pattern.abs(), after.abs()) < 1e-3);
        Assert.Equal(0.0, MaxDifference(new DistributionUncertainty(P: 0).Perturb(x), x));
    }

    [Fact]
    public void AmplitudeMix_WithItselfOrLambdaZero_KeepsTheImage_AndWithADimmerPartnerScalesItByTheMixedAmplitude()
    {
        using var scope = NewDisposeScope();
        // Pixels in [0.2, 0.6], normalised as the loader does.
        var pixels = rand([2, 3, 16, 24], generator: new TorchSharp.torch.Generator(7)) * 0.4 + 0.2;
        var mean = tensor(new[] { 0.485f, 0.456f, 0.406f }, [1, 3, 1, 1]);
        var std = tensor(new[] { 0.229f, 0.224f, 0.225f }, [1, 3, 1, 1]);
        var images = (pixels - mean) / std;
        var dimmer = (pixels * 0.5 - mean) / std;

        Assert.True(MaxDifference(AmplitudeMix.Mix(images, images, full(2, 1, 1, 1, 0.7f)), images) < 1e-4);
        Assert.True(MaxDifference(AmplitudeMix.Mix(images, dimmer, zeros(2, 1, 1, 1)), images) < 1e-4);
        // The partner's spectrum is half the image's with the same phase: the mix at lambda is (1 - lambda / 2) x the pixels.
        var mixed = AmplitudeMix.Mix(images, dimmer, full(2, 1, 1, 1, 0.6f));
        Assert.True(MaxDifference(mixed * std + mean, pixels * 0.7) < 1e-4);
    }

    [Fact]
    public void FeaturePerturbations_ActOnlyWhileTraining_SoAnEvaluatingModelPredictsAsWithout()
    {
        using var scope = NewDisposeScope();
        random.manual_seed(11);
        using var model = DeepLabV3Plus.Create(new ModelConfig("resnet18", 7));
        var x = Images(2, 64, 64);
        model.eval();
        var plain = model.forward(x);
        using (GeneralisationIngredients.Create([new MixStyle(P: 1)], model))
        {
            Assert.True(MaxDifference(model.forward(x), plain) < 1e-6, "MixStyle changed an evaluating model");
            model.train();
            random.manual_seed(2);
            var trained = model.forward(x);
            model.eval();
            Assert.True(MaxDifference(trained, model.forward(x)) > 1e-4, "MixStyle at p = 1 did nothing while training");
        }
        Assert.Null(model.Encoder.FeaturePerturbation);
    }

    [Fact]
    public void RandConvConsistency_IsZeroForAModelThatIgnoresTheConvolution_AndPositiveOtherwise()
    {
        using var scope = NewDisposeScope();
        random.manual_seed(4);
        using var model = DeepLabV3Plus.Create(new ModelConfig("resnet18", 7));
        model.eval();
        var x = Images(2, 64, 64);
        var randConv = new RandConv(ConsistencyWeight: 1);

        var term = randConv.Consistency(model, x, model.forward(randConv.Randomise(x))).item<float>();

        Assert.True(term > 0 && float.IsFinite(term), $"consistency {term}");
        // Three identical predictions: the mixture equals each, every KL is 0.
        var uniformLogits = zeros(2, 7, 64, 64);
        var p = uniformLogits.softmax(1);
        var m = stack([p, p, p]).mean([0]).log();
        Assert.True((p * (p.log() - m)).sum(1).mean().abs().item<float>() < 1e-7);
    }

    public static TheoryData<GeneralisationIngredient[], string> Refused => new()
    {
        { [new MixStyle(), new DistributionUncertainty()], "MixStyle and DSU" },
        { [new RandConv(), new RandConv(KernelSizes: [3])], "listed 2 times" },
        { [new RandConv(KernelSizes: [2])], "odd" },
        { [new MixStyle(P: 1.5)], "probability" },
        { [new DistributionUncertainty(Layers: [5])], "0..4" },
        { [new AmplitudeMix(Alpha: 0)], "alpha" },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public void ImpossibleCombinationsAndSettingsAreRefusedByName(GeneralisationIngredient[] ingredients, string named)
    {
        var config = PhaseCatalog.Get("5", "smoke") with { Generalisation = ingredients };
        var error = Assert.Throws<ArgumentException>(config.Validate);
        Assert.Contains(named, error.Message);
    }

    [Fact]
    public void EveryGeneralisationRunValidates_RoundTripsItsConfiguration_AndChangesTheRunKey()
    {
        var plain = PhaseCatalog.Get("5", "quick");
        foreach (string name in PhaseCatalog.GeneralisationRuns)
        {
            var config = PhaseCatalog.Get(name, "quick");
            config.Validate();
            Assert.NotEqual(plain.Fingerprint(), config.Fingerprint());
            var back = RunConfig.FromJson(config.ToJson());
            Assert.Equal(config.Fingerprint(), back.Fingerprint());
            Assert.Equal(config.Generalisation!.Single().GetType(), back.Generalisation!.Single().GetType());
        }
        // Unset (null or empty), the setting leaves the key that runs had before it existed.
        Assert.Equal(plain.Fingerprint(), (plain with { Generalisation = [] }).Fingerprint());
    }
}
