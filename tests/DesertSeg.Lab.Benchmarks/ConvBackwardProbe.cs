using System.Diagnostics;
using TorchSharp;
using static TorchSharp.torch;

namespace DesertSeg.Lab.Benchmarks;

/// <summary>
/// Which 1x1 strided convolutions crash LibTorch's backward pass on this CPU: each shape runs forward and backward in a
/// child process (a SIGFPE cannot be caught in-process), and the sweep prints which ones died by which signal.
/// </summary>
public sealed class ConvBackwardProbe : IBenchmark
{
    public string Name => "conv-probe";
    public string Description => "1x1 strided convolution backward per shape in child processes: which die by a signal " +
        "(-- sweep | -- N CIN COUT H W STRIDE [mode])";

    public void Run(string[] args)
    {
        if (args.Length > 0 && args[0] != "sweep")
        {
            var v = args.Take(6).Select(int.Parse).ToArray();
            string mode = args.Length > 6 ? args[6] : "plain";
            Probe(v[0], v[1], v[2], v[3], v[4], v[5], mode);
            Console.WriteLine("ok");
            return;
        }
        var shapes = new List<int[]>();
        foreach (int n in new[] { 1, 2, 4, 8 })
        foreach (var (cin, cout) in new[] { (64, 128), (128, 256), (256, 512), (512, 1024), (1024, 2048) })
        foreach (var (h, w) in new[] { (36, 64), (64, 112), (32, 56), (128, 224), (18, 32) })
            shapes.Add([n, cin, cout, h, w, 2]);
        string self = Environment.ProcessPath!;
        string dll = typeof(ConvBackwardProbe).Assembly.Location;
        foreach (var s in shapes)
        {
            var start = new ProcessStartInfo(self) { RedirectStandardOutput = true, RedirectStandardError = true };
            if (!self.EndsWith("DesertSeg.Lab.Benchmarks", StringComparison.Ordinal)) start.ArgumentList.Add(dll);
            foreach (var a in new[] { "conv-probe", "--" }.Concat(s.Select(x => x.ToString()))) start.ArgumentList.Add(a);
            using var p = Process.Start(start)!;
            p.StandardOutput.ReadToEnd();
            p.StandardError.ReadToEnd();
            p.WaitForExit();
            Console.WriteLine($"N{s[0]} {s[1]}->{s[2]} {s[3]}x{s[4]} stride {s[5]}: exit {p.ExitCode}{(p.ExitCode == 136 ? " SIGFPE" : "")}");
        }
    }

    internal static void Probe(int n, int cin, int cout, int h, int w, int stride, string mode)
    {
        using var scope = NewDisposeScope();
        var x = randn(n, cin, h, w).requires_grad_(true);
        var weight = randn(cout, cin, 1, 1).requires_grad_(true);
        var y = mode == "sliced"
            ? nn.functional.conv2d(x[TensorIndex.Colon, TensorIndex.Colon, TensorIndex.Slice(0, null, stride), TensorIndex.Slice(0, null, stride)], weight)
            : nn.functional.conv2d(x, weight, strides: [stride, stride]);
        y.sum().backward();
    }
}
