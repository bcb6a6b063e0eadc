using DesertSeg.Lab.Data.Augmentation;
using TorchSharp;
using static TorchSharp.torch;

namespace DesertSeg.Lab.Checkpoints.Pretrained;

/// <summary>Adapts conv1 and bn1 of a network trained on BGR pixels in 0..255 minus a per-channel mean
/// (ML.NET's ResNet18.onnx) to the workspace's input: RGB, (pixel/255 - mean) / std with ImageNet statistics
/// (<see cref="Normalization.ImageNet"/>).</summary>
/// <remarks>
/// For RGB channel c, the network's input is 255*std[c]*x + (255*mean[c] - m[c]), x being the workspace's
/// normalised value and m[c] the channel mean the network subtracts. conv1 is linear and has no bias, so
/// conv1 = W'x + offset with W'[o, c] = 255*std[c] * W[o, bgr(c)] and offset[o] = sum over channel and kernel
/// of W[o, bgr(c)] * (255*mean[c] - m[c]). bn1 subtracts its running mean first, so the constant offset
/// moves there: running_mean -= offset. The result is exact except at the image border, where conv1's
/// zero padding pads the workspace's normalised zero instead of the network's; ML.NET's per-pixel mean
/// image becomes its channel means (the mean image is nearly flat and only defined at 224x224).
/// </remarks>
public static class InputConventionFold
{
    /// <summary>Folds the input convention into <paramref name="conv1Weight"/> [out, 3, k, k] (BGR input
    /// channels) and <paramref name="bn1RunningMean"/> [out]; returns the new tensors (float32), the inputs
    /// are left as they are.</summary>
    /// <param name="bgrChannelMeans">Per-channel means the network subtracts from 0..255 pixels, BGR order.</param>
    /// <param name="target">The workspace's normalisation (RGB order); ImageNet when null.</param>
    public static (Tensor Conv1Weight, Tensor Bn1RunningMean) Fold(Tensor conv1Weight, Tensor bn1RunningMean,
        IReadOnlyList<double> bgrChannelMeans, Normalization? target = null)
    {
        target ??= Normalization.ImageNet;
        if (conv1Weight.Dimensions != 4 || conv1Weight.shape[1] != 3)
            throw new ArgumentException($"conv1 weight must be [out, 3, k, k], not [{string.Join(", ", conv1Weight.shape)}].");
        if (bgrChannelMeans.Count != 3) throw new ArgumentException("Three BGR channel means are needed.");
        using var scope = NewDisposeScope();
        double max = target.MaxPixelValue;
        // RGB channel c reads BGR channel 2 - c.
        var rgbWeight = conv1Weight.to(ScalarType.Float64).flip(1);
        var scale = tensor(target.Std.Select(s => max * s).ToArray()).view(1, 3, 1, 1);
        var shift = tensor(Enumerable.Range(0, 3).Select(c => max * target.Mean[c] - bgrChannelMeans[2 - c]).ToArray()).view(1, 3, 1, 1);
        var offset = rgbWeight.mul(shift).sum([1, 2, 3]);
        var weight = rgbWeight.mul(scale).to(ScalarType.Float32);
        var runningMean = bn1RunningMean.to(ScalarType.Float64).sub(offset).to(ScalarType.Float32);
        return (weight.MoveToOuterDisposeScope(), runningMean.MoveToOuterDisposeScope());
    }
}
