using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace DesertSeg.Lab.Models;

/// <summary>
/// BatchNorm2d as PyTorch's (same parameters, buffers and state-dict names, eps 1e-5, momentum 0.1), whose training forward
/// counts batches with a Scalar the layer holds instead of a temporary one.
/// </summary>
/// <remarks>
/// TorchSharp 0.107's BatchNorm increments <c>num_batches_tracked</c> with <c>add_(1)</c>: two temporary
/// <see cref="Scalar"/>s whose native handles go to LibTorch while nothing keeps the managed objects alive, so a garbage
/// collection during the call can let the finalizer free the alpha Scalar before LibTorch reads it. Measured here: once in
/// a 30-minute <c>reproduce</c>, 2 epochs into a training, "For integral input tensors, argument alpha must not be a
/// floating point number" (the freed memory held another, floating-point, Scalar). Fields keep these Scalars alive as long as
/// the layer. Everything else follows <c>torch.nn.BatchNorm2d</c>.
/// </remarks>
public sealed class BatchNorm2dLayer : BatchNorm
{
    private readonly Scalar _one = 1L.ToScalar();

    public BatchNorm2dLayer(long features)
        : base(features, eps: 1e-5, momentum: 0.1, affine: true, track_running_stats: true, device: null, dtype: null,
            name: "BatchNorm2d")
    {
    }

    protected override void ValidateInputDimensions(Tensor input)
    {
        if (input.ndim != 4) throw new ArgumentException($"BatchNorm2d expects N x C x H x W input, got {input.ndim} dimensions.");
    }

    public override Tensor forward(Tensor input)
    {
        ValidateInputDimensions(input);
        double factor = momentum ?? 0.0;
        if (training && track_running_stats && num_batches_tracked is not null)
        {
            num_batches_tracked.add_(_one, _one);
            if (momentum is null) factor = 1.0 / num_batches_tracked.item<long>(); // cumulative moving average
        }
        // As torch.nn.BatchNorm2d: batch statistics in training, and in eval only where no running statistics are kept.
        bool batchStatistics = training || (running_mean is null && running_var is null);
        bool useRunning = !training || track_running_stats;
        return F.batch_norm(input, useRunning ? running_mean : null, useRunning ? running_var : null, weight, bias,
            batchStatistics, factor, eps);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) _one.Dispose();
        base.Dispose(disposing);
    }
}
