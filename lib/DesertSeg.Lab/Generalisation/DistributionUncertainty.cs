using static TorchSharp.torch;

namespace DesertSeg.Lab.Generalisation;

/// <summary>
/// DSU, domain shifts with uncertainty (Li et al., "Uncertainty Modeling for Out-of-Distribution Generalization", ICLR
/// 2022; reference: lixiaotong97/DSU, <c>DistributionUncertainty</c>): with probability <see cref="P"/> per forward pass,
/// each image's feature mean and standard deviation (per channel, over space) are re-drawn from Gaussians centred on them
/// whose spreads are the standard deviations of those statistics over the batch:
/// <c>beta = mu + eps_1 * sd_batch(mu)</c>, <c>gamma = sigma + eps_2 * sd_batch(sigma)</c>,
/// <c>x' = (x - mu) / sigma * gamma + beta</c>. Not detached (as the reference). Training only.
/// <para>The reference's defaults: p 0.5, eps 1e-6. The placement after the stem and after each of the four ResNet layers
/// is our reading of its ResNet, not checked line by line. Its coin comes
/// from numpy; here from torch's generator (see <see cref="RandConv"/>).</para>
/// </summary>
public sealed record DistributionUncertainty(double P = 0.5, double Eps = 1e-6, IReadOnlyList<int>? Layers = null)
    : FeatureStatisticsPerturbation
{
    [System.Text.Json.Serialization.JsonIgnore]
    public override IReadOnlyList<int> Positions { get => Layers ?? [0, 1, 2, 3, 4]; init => Layers = value; }

    public override string Label => "DSU";

    public override void Validate()
    {
        base.Validate();
        RequireProbability(P, "DSU's probability");
    }

    public override Tensor Perturb(Tensor x)
    {
        if (x.shape[0] < 2 || rand(1).item<float>() > P) return x;
        var (mu, variance) = Statistics(x);
        var sigma = (variance + Eps).sqrt();
        var muSpread = (mu.var(0, unbiased: true, keepdim: true) + Eps).sqrt();
        var sigmaSpread = (sigma.var(0, unbiased: true, keepdim: true) + Eps).sqrt();
        return Redraw(x, mu, sigma, mu + randn_like(mu) * muSpread, sigma + randn_like(sigma) * sigmaSpread);
    }

    /// <summary>The features moved from statistics (mu, sigma) to (beta, gamma), each N x C x 1 x 1.</summary>
    public static Tensor Redraw(Tensor x, Tensor mu, Tensor sigma, Tensor beta, Tensor gamma) => (x - mu) / sigma * gamma + beta;
}
