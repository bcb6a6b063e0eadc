using DesertSeg.Lab.Data.Augmentation;
using DesertSeg.Lab.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace DesertSeg.Lab.Adaptation;

/// <summary>How TENT adapts.</summary>
/// <param name="LearningRate">Adam's learning rate for the BatchNorm affine parameters.</param>
/// <param name="Epochs">Passes over the target images.</param>
/// <param name="BatchSize">Target images per step.</param>
/// <param name="ReestimateStatistics">Afterwards, re-estimate the running statistics on the target images (AdaBN) so that
/// the saved model normalises as it did while adapting; off, the running statistics stay the source model's.</param>
/// <param name="Seed">Seeds the order of the target images.</param>
public sealed record TentConfig(double LearningRate = 1e-4, int Epochs = 2, int BatchSize = 8, bool ReestimateStatistics = true,
    int Seed = 42)
    : TestTimeMethod
{
    public override string Name => "tent";

    public override string Adapt(DeepLabV3Plus model, TargetImages target, int height, int width, Device device,
        CancellationToken cancellation, IProgress<int>? progress = null)
    {
        var entropy = Tent.Adapt(model, target, height, width, device, this, cancellation, progress);
        return $"TENT on {target.Count} target images ({entropy.Count} steps, entropy {entropy[0]:F3} -> {entropy[^1]:F3})";
    }

    public override int Passes(TargetImages target) => target.Count * (Epochs + (ReestimateStatistics ? 1 : 0));
}

/// <summary>
/// TENT (Wang et al., ICLR 2021): minimise the mean per-pixel entropy of the model's softmax on target batches,
/// updating only the BatchNorm layers' affine parameters (weight and bias), with BatchNorm normalising by each
/// batch's own statistics. Every other parameter is frozen. This is the OFFLINE variant behind <c>adapt --method tent</c>:
/// it adapts on the unlabelled target images and saves a checkpoint, which then predicts with running statistics
/// (re-estimated by AdaBN), so it differs from the paper's protocol and, with the small learning rate, behaves much like
/// AdaBN. The paper's online protocol (predictions from the adapting pass on the test stream, Adam 1e-3) is
/// <see cref="OnlineTent"/>, the lab's TENT line.
/// </summary>
public static class Tent
{
    /// <returns>Mean entropy (nats per pixel) of each step, in order.</returns>
    public static IReadOnlyList<double> Adapt(DeepLabV3Plus model, TargetImages target, int height, int width, Device device,
        TentConfig? config = null, CancellationToken cancellation = default, IProgress<int>? progress = null)
    {
        int passed = 0;
        config ??= new TentConfig();
        var parameters = model.parameters().ToList();
        var wasTrainable = parameters.Select(p => p.requires_grad).ToList();
        var layers = BatchNormLayers.UseBatchStatistics(model);
        // Batch statistics are used while adapting; the running statistics are put back afterwards, so this step
        // changes the affine parameters only (AdaBN below then re-estimates them, if asked).
        var saved = BatchNormLayers.Save(layers);
        var entropies = new List<double>();
        try
        {
            foreach (var p in parameters) p.requires_grad = false;
            var affine = layers.SelectMany(bn => new[] { bn.weight!, bn.bias! }).ToList();
            foreach (var p in affine) p.requires_grad = true;
            using var optimizer = optim.Adam(affine, lr: config.LearningRate);
            for (int epoch = 0; epoch < config.Epochs; epoch++)
            {
                var order = Enumerable.Range(0, target.Count).ToArray();
                SampleRandom.ForShuffle(config.Seed, epoch).Shuffle(order.AsSpan());
                for (int start = 0; start + config.BatchSize <= order.Length || (start == 0 && order.Length > 0); start += config.BatchSize)
                {
                    cancellation.ThrowIfCancellationRequested();
                    using var scope = NewDisposeScope();
                    var indices = order.Skip(start).Take(config.BatchSize).ToArray();
                    optimizer.zero_grad();
                    var logits = model.call(target.Batch(indices, height, width, device));
                    var entropy = MeanEntropy(logits);
                    entropy.backward();
                    optimizer.step();
                    entropies.Add(entropy.item<float>());
                    progress?.Report(passed += indices.Length);
                }
            }
        }
        finally
        {
            for (int i = 0; i < parameters.Count; i++) parameters[i].requires_grad = wasTrainable[i];
            BatchNormLayers.Restore(layers, saved);
            model.eval();
        }
        if (config.ReestimateStatistics)
            AdaptiveBatchNorm.Adapt(model, target, height, width, device, new AdaBnConfig(config.BatchSize), cancellation, progress, passed);
        return entropies;
    }

    /// <summary>Mean over pixels of the softmax entropy -sum_c p log p (nats), for logits N x C x H x W.</summary>
    public static Tensor MeanEntropy(Tensor logits)
    {
        using var scope = NewDisposeScope();
        var logp = nn.functional.log_softmax(logits, 1);
        return (-(logp.exp() * logp).sum(1)).mean().MoveToOuterDisposeScope();
    }
}
