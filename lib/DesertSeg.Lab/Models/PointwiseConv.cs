using static TorchSharp.torch;

namespace DesertSeg.Lab.Models;

/// <summary>
/// A 1x1 convolution (stride 1, no padding, one group) as the matrix product it is: [Cout, Cin] x [N, Cin, H*W].
/// Same function and parameters as <c>conv2d</c>; the sums run in another order (differences of float rounding, about 1e-6).
/// </summary>
public static class PointwiseConv
{
    public static Tensor Apply(Tensor input, Tensor weight, Tensor? bias)
    {
        long n = input.shape[0], channels = input.shape[1], height = input.shape[2], width = input.shape[3];
        long outChannels = weight.shape[0];
        using var scope = NewDisposeScope();
        var output = weight.view(outChannels, channels).matmul(input.reshape(n, channels, height * width));
        if (bias is not null) output = output.add(bias.view(1, outChannels, 1));
        return output.view(n, outChannels, height, width).MoveToOuterDisposeScope();
    }
}
