using DesertSeg.Lab.Models;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace DesertSeg.Lab.Adaptation;

/// <summary>The BatchNorm layers of a model, and the mode test-time adaptation runs them in.</summary>
internal static class BatchNormLayers
{
    public static List<BatchNorm> Of(nn.Module model) =>
        model.modules().OfType<BatchNorm>().ToList();

    /// <summary>
    /// Everything in eval mode (dropout off) except the BatchNorm layers, which normalise with the batch's own
    /// statistics (train mode), as AdaBN and TENT need.
    /// </summary>
    public static List<BatchNorm> UseBatchStatistics(DeepLabV3Plus model)
    {
        model.eval();
        var layers = Of(model);
        foreach (var bn in layers) bn.train();
        return layers;
    }

    /// <summary>Copies of every layer's running mean and variance (and batch count), to put back with <see cref="Restore"/>.</summary>
    public static List<(Tensor Mean, Tensor Var, Tensor Count)> Save(IEnumerable<BatchNorm> layers) =>
        layers.Select(bn => (bn.running_mean!.detach().clone(), bn.running_var!.detach().clone(),
            bn.num_batches_tracked!.detach().clone())).ToList();

    public static void Restore(IReadOnlyList<BatchNorm> layers, List<(Tensor Mean, Tensor Var, Tensor Count)> saved)
    {
        using var _ = no_grad();
        for (int i = 0; i < layers.Count; i++)
        {
            layers[i].running_mean!.copy_(saved[i].Mean);
            layers[i].running_var!.copy_(saved[i].Var);
            layers[i].num_batches_tracked!.copy_(saved[i].Count);
            saved[i].Mean.Dispose();
            saved[i].Var.Dispose();
            saved[i].Count.Dispose();
        }
    }
}
