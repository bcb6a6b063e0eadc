using DesertSeg.Lab.Models;
using static TorchSharp.torch;

namespace DesertSeg.Lab.Adaptation;

/// <summary>AdaBN as a test-time method: how it re-estimates BatchNorm statistics.</summary>
/// <param name="BatchSize">Target images per forward pass.</param>
public sealed record AdaBnConfig(int BatchSize = 8) : TestTimeMethod
{
    public override string Name => "adabn";

    public override string Adapt(DeepLabV3Plus model, TargetImages target, int height, int width, Device device,
        CancellationToken cancellation, IProgress<int>? progress = null)
    {
        AdaptiveBatchNorm.Adapt(model, target, height, width, device, this, cancellation, progress);
        return $"AdaBN on {target.Count} target images";
    }

    public override int Passes(TargetImages target) => target.Count;
}

/// <summary>
/// AdaBN (Li et al., 2016): every BatchNorm layer's running mean and variance are re-estimated over the target
/// images, as the average over all target batches, each batch weighing the same (momentum None: PyTorch's cumulative
/// average); weights, BatchNorm's affine parameters and everything else stay as they are. Dropout is off meanwhile.
/// </summary>
public static class AdaptiveBatchNorm
{
    /// <param name="progress">Hears the target images passed so far.</param>
    public static void Adapt(DeepLabV3Plus model, TargetImages target, int height, int width, Device device, AdaBnConfig? config = null,
        CancellationToken cancellation = default, IProgress<int>? progress = null, int passedBefore = 0)
    {
        config ??= new AdaBnConfig();
        var layers = BatchNormLayers.UseBatchStatistics(model);
        var momenta = layers.Select(bn => bn.momentum).ToList();
        try
        {
            foreach (var bn in layers)
            {
                bn.reset_running_stats();
                bn.momentum = null; // cumulative moving average: the exact mean over every batch
            }
            using var _ = no_grad();
            foreach (var indices in target.Batches(config.BatchSize))
            {
                cancellation.ThrowIfCancellationRequested();
                using var scope = NewDisposeScope();
                model.call(target.Batch(indices, height, width, device));
                progress?.Report(passedBefore += indices.Length);
            }
        }
        finally
        {
            for (int i = 0; i < layers.Count; i++) layers[i].momentum = momenta[i];
            model.eval();
        }
    }
}
