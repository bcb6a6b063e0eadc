using System.Diagnostics;
using DesertSeg.Lab.Losses;
using DesertSeg.Lab.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace DesertSeg.Lab.Benchmarks;

/// <summary>Training-step and inference time of DeepLabV3+ on 2 CPU threads, on the shapes that
/// tools/python/bench_torch.py measures for PyTorch eager.</summary>
public sealed class ModelSpeed : IBenchmark
{
    public string Name => "model";
    public string Description => "DeepLabV3+ train step (fwd, loss, bwd, AdamW) and inference, 2 threads";

    private static readonly string[] ClassNames = ["Trees", "Lush Bushes", "Dry Grass", "Dry Bushes", "Rocks", "Landscape", "Sky"];

    public void Run(string[] args)
    {
        set_num_threads(2);
        Console.WriteLine($"threads {get_num_threads()}");
        Train("resnet18", 8, 144, 256, steps: 4);
        Train("resnet101", 2, 256, 448, steps: 3);
        Infer("resnet101", 512, 896, runs: 3);
    }

    private static void Train(string encoder, int batch, int h, int w, int steps)
    {
        manual_seed(0);
        using var model = DeepLabV3Plus.Create(new ModelConfig(encoder, 7));
        using var loss = new SegmentationLoss(new LossConfig(), ClassNames);
        using var optimizer = optim.AdamW(model.parameters(), lr: 1e-4, weight_decay: 0.01);
        model.train();
        double Step()
        {
            using var scope = NewDisposeScope();
            var x = randn(batch, 3, h, w);
            var y = randint(0, 7, [batch, h, w]);
            var clock = Stopwatch.StartNew();
            optimizer.zero_grad();
            loss.call(model.call(x), y).backward();
            optimizer.step();
            return clock.Elapsed.TotalSeconds;
        }
        Step(); // warm-up: allocations, AdamW state, oneDNN primitive caches
        var times = Enumerable.Range(0, steps).Select(_ => Step()).ToList();
        Console.WriteLine($"train {encoder} b{batch} {h}x{w}: {times.Average():F2} s/step (min {times.Min():F2}, max {times.Max():F2})");
    }

    private static void Infer(string encoder, int h, int w, int runs)
    {
        manual_seed(0);
        using var model = DeepLabV3Plus.Create(new ModelConfig(encoder, 7));
        model.eval();
        double Once(bool inference)
        {
            using var scope = NewDisposeScope();
            using var mode = inference ? inference_mode() : no_grad();
            var x = randn(1, 3, h, w);
            var clock = Stopwatch.StartNew();
            model.call(x);
            return clock.Elapsed.TotalSeconds;
        }
        foreach (var inference in new[] { true, false })
        {
            Once(inference);
            var times = Enumerable.Range(0, runs).Select(_ => Once(inference)).ToList();
            Console.WriteLine($"infer {encoder} 1x3x{h}x{w} ({(inference ? "inference_mode" : "no_grad")}): " +
                              $"{times.Average():F2} s/image (min {times.Min():F2})");
        }
    }
}
