using static TorchSharp.torch;

namespace DesertSeg.Lab.Generalisation;

/// <summary>
/// MixStyle (Zhou et al., "Domain Generalization with MixStyle", ICLR 2021; reference: KaiyangZhou/mixstyle-release,
/// <c>mixstyle.py</c>): with probability <see cref="P"/> per forward pass, each image's feature statistics (per-channel mean
/// and standard deviation over space, detached) are mixed with those of another image of the batch (a random permutation,
/// the reference's "random" mode) by lambda ~ Beta(<see cref="Alpha"/>, <see cref="Alpha"/>):
/// <c>x' = (x - mu) / sigma * (lambda sigma + (1 - lambda) sigma_j) + lambda mu + (1 - lambda) mu_j</c>. Training only:
/// an evaluating model never calls it, and lambda = 1 is the identity.
/// <para>The reference's defaults: p 0.5, alpha 0.1, eps 1e-6. The placement after ResNet layers 1, 2 and 3 is one of the
/// reference's configurations as we read it, not checked line by line against its configs. The reference's "crossdomain" mode needs domain labels (several source domains); with one
/// source desert the random mode is the one that applies (for the K-environment data sets too: the loader does not
/// carry environment labels). The coin comes from torch's generator, not Python's <c>random</c> (see
/// <see cref="RandConv"/>).</para>
/// </summary>
public sealed record MixStyle(double P = 0.5, double Alpha = 0.1, double Eps = 1e-6, IReadOnlyList<int>? Layers = null)
    : FeatureStatisticsPerturbation
{
    [System.Text.Json.Serialization.JsonIgnore]
    public override IReadOnlyList<int> Positions { get => Layers ?? [1, 2, 3]; init => Layers = value; }

    public override string Label => "MixStyle";

    public override void Validate()
    {
        base.Validate();
        RequireProbability(P, "MixStyle's probability");
        if (!(Alpha > 0)) throw new ArgumentException($"MixStyle's alpha must be positive, got {Alpha}.");
    }

    public override Tensor Perturb(Tensor x)
    {
        long n = x.shape[0];
        if (n < 2 || rand(1).item<float>() > P) return x;
        var lambda = Beta(n, x.device).to(x.dtype);
        return Mix(x, randperm(n, device: x.device), lambda, Eps);
    }

    /// <summary>The features with each image's statistics mixed with those of image <c>permutation[i]</c> by lambda (N x 1 x 1 x 1).</summary>
    public static Tensor Mix(Tensor x, Tensor permutation, Tensor lambda, double eps = 1e-6)
    {
        var (mu, variance) = Statistics(x);
        var sigma = (variance + eps).sqrt();
        mu = mu.detach();
        sigma = sigma.detach();
        var normed = (x - mu) / sigma;
        var mixedMu = mu * lambda + mu.index_select(0, permutation) * (1 - lambda);
        var mixedSigma = sigma * lambda + sigma.index_select(0, permutation) * (1 - lambda);
        return normed * mixedSigma + mixedMu;
    }

    /// <summary>n draws of Beta(alpha, alpha) as N x 1 x 1 x 1, from two Gamma draws (X / (X + Y)).</summary>
    private Tensor Beta(long n, Device device)
    {
        var concentration = full([n, 1, 1, 1], Alpha, device: device);
        var x = _standard_gamma(concentration);
        var y = _standard_gamma(concentration);
        return x / (x + y);
    }
}
