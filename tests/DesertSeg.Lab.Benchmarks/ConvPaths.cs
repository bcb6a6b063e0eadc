using System.Diagnostics;
using static TorchSharp.torch;

namespace DesertSeg.Lab.Benchmarks;

/// <summary>
/// Forward + backward time of the convolutions of the quick scale's training step (ResNet-18 DeepLabV3+, batch 8,
/// 144x256) through LibTorch's convolution against the same function as a matrix product, and the largest difference
/// between the two. PyTorch's profiler on this CPU put a third of the step's backward in a few of them (a 1x1 head
/// convolution 256->7 at 36x64 took 83 ms of backward): oneDNN's backward picks poor kernels for some shapes.
/// </summary>
public sealed class ConvPaths : IBenchmark
{
    public string Name => "conv-paths";
    public string Description => "1x1 and dilated convolutions of the quick step: LibTorch conv vs matrix product, fwd+bwd";

    public void Run(string[] args)
    {
        set_num_threads(2);
        // Arguments: batch and the 1/4-resolution feature map (default: the quick scale's 8, 36x64).
        int batch = args.Length > 0 ? int.Parse(args[0]) : 8;
        int h4 = args.Length > 2 ? int.Parse(args[1]) : 36, w4 = args.Length > 2 ? int.Parse(args[2]) : 64;
        int h16 = (h4 + 3) / 4, w16 = (w4 + 3) / 4;
        Console.WriteLine($"threads {get_num_threads()}, batch {batch}, 1/4 map {h4}x{w4}");
        // (what, input channels, output channels, height, width, kernel, dilation, groups, bias)
        (string, int, int, int, int, int, int, int, bool)[] shapes =
        [
            ("head 1x1 256->7 @1/4", 256, 7, h4, w4, 1, 1, 1, true),
            ("decoder 1x1 304->256 @1/4", 304, 256, h4, w4, 1, 1, 1, false),
            ("decoder 1x1 256->256 @1/4", 256, 256, h4, w4, 1, 1, 1, false),
            ("low-level 1x1 64->48 @1/4", 64, 48, h4, w4, 1, 1, 1, false),
            ("ASPP 1x1 512->256 @1/16", 512, 256, h16, w16, 1, 1, 1, false),
            ("depthwise 3x3 304 @1/4", 304, 304, h4, w4, 3, 1, 304, false),
            ("layer4 3x3 d2 512->512 @1/16", 512, 512, h16, w16, 3, 2, 1, false),
            ("layer4 3x3 d2 256->512 @1/16", 256, 512, h16, w16, 3, 2, 1, false),
            ("layer3 3x3 256->256 @1/16", 256, 256, h16, w16, 3, 1, 1, false),
            ("ASPP depthwise 3x3 d12 512 @1/16", 512, 512, h16, w16, 3, 12, 512, false),
        ];
        Console.WriteLine($"{"convolution",-34} {"conv ms",8} {"matmul ms",9} {"max |diff|",10}");
        foreach (var (what, cin, cout, h, w, k, d, groups, bias) in shapes)
        {
            manual_seed(0);
            var x = randn(batch, cin, h, w).requires_grad_();
            var weight = (randn(cout, cin / groups, k, k) * 0.05).requires_grad_();
            var b = bias ? randn(cout).requires_grad_() : null;
            var grad = randn(batch, cout, h, w);
            Tensor Conv() => nn.functional.conv2d(x, weight, b, padding: [d * (k / 2), d * (k / 2)], dilation: [d, d], groups: groups);
            double convMs = Time(Conv, grad, x, weight);
            string matmul = "", diff = "";
            if (k == 1 && groups == 1)
            {
                Tensor Matmul() => Models.PointwiseConv.Apply(x, weight, b);
                double mm = Time(Matmul, grad, x, weight);
                using var scope = NewDisposeScope();
                diff = (Conv() - Matmul()).abs().max().item<float>().ToString("E1");
                matmul = mm.ToString("F1");
            }
            Console.WriteLine($"{what,-34} {convMs,8:F1} {matmul,9} {diff,10}");
        }
    }

    private static double Time(Func<Tensor> forward, Tensor grad, Tensor x, Tensor weight)
    {
        double Once()
        {
            using var scope = NewDisposeScope();
            x.grad?.zero_();
            weight.grad?.zero_();
            var clock = Stopwatch.StartNew();
            forward().backward([grad]);
            return clock.Elapsed.TotalMilliseconds;
        }
        Once();
        return Enumerable.Range(0, 5).Select(_ => Once()).Min();
    }
}
