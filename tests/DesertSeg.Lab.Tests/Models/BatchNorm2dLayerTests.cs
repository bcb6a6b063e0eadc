using DesertSeg.Lab.Models;
using static TorchSharp.torch;

namespace DesertSeg.Lab.Tests.Models;

/// <summary>The workspace's BatchNorm2d against TorchSharp's own, step by step, in training and in eval.</summary>
public class BatchNorm2dLayerTests
{
    [Fact]
    public void MatchesTorchSharpsBatchNorm2d_OutputsRunningStatisticsCountsAndGradients()
    {
        using var scope = NewDisposeScope();
        random.manual_seed(11);
        using var ours = new BatchNorm2dLayer(6);
        using var reference = nn.BatchNorm2d(6);
        using (no_grad())
        {
            ours.weight!.copy_(rand(6) + 0.5);
            ours.bias!.copy_(randn(6));
            reference.weight!.copy_(ours.weight);
            reference.bias!.copy_(ours.bias);
        }
        Assert.Equal(reference.named_parameters().Select(p => p.name), ours.named_parameters().Select(p => p.name));
        Assert.Equal(reference.named_buffers().Select(b => b.name), ours.named_buffers().Select(b => b.name));

        for (int step = 0; step < 3; step++)
        {
            var x = (randn(4, 6, 5, 7) * 3 + 2).requires_grad_(true);
            var xRef = x.detach().clone().requires_grad_(true);
            var y = ours.call(x);
            var yRef = reference.call(xRef);
            Assert.True(y.allclose(yRef, rtol: 1e-5, atol: 1e-5));
            (y * y).sum().backward();
            (yRef * yRef).sum().backward();
            Assert.True(x.grad!.allclose(xRef.grad!, rtol: 1e-4, atol: 1e-4));
            Assert.True(ours.weight!.grad!.allclose(reference.weight!.grad!, rtol: 1e-4, atol: 1e-4));
        }
        Assert.True(ours.running_mean!.allclose(reference.running_mean!, rtol: 1e-5, atol: 1e-6));
        Assert.True(ours.running_var!.allclose(reference.running_var!, rtol: 1e-5, atol: 1e-6));
        Assert.Equal(3L, ours.num_batches_tracked!.item<long>());
        Assert.Equal(reference.num_batches_tracked!.item<long>(), ours.num_batches_tracked!.item<long>());

        // Eval: the running statistics, not the batch's.
        ours.eval();
        reference.eval();
        var z = randn(2, 6, 3, 3) * 5 - 1;
        using (no_grad()) Assert.True(ours.call(z).allclose(reference.call(z), rtol: 1e-5, atol: 1e-5));
        Assert.Equal(3L, ours.num_batches_tracked!.item<long>());
    }
}
