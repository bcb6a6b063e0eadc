using System.Diagnostics;
using DesertSeg.Lab.Losses;
using DesertSeg.Lab.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace DesertSeg.Lab.Benchmarks;

/// <summary>Training-step and inference time of DeepLabV3+ on 2 CPU threads, on the shapes that
/// tools/python/bench_torch.py measures for PyTorch eager. DESERTSEG_BENCH_THREADS sets LibTorch's threads (default 2; 1 was
/// measured at 2.01 s per ResNet-18 step against 1.02 s with 2, so two trainings side by side would gain nothing).</summary>
public sealed class ModelSpeed : IBenchmark
{
    public string Name => "model";
    public string Description => "DeepLabV3+ train step (fwd, loss, bwd, AdamW) and inference, 2 threads";

    private static readonly string[] ClassNames = ["Trees", "Lush Bushes", "Dry Grass", "Dry Bushes", "Rocks", "Landscape", "Sky"];

    public void Run(string[] args)
    {
        set_num_threads(Environment.GetEnvironmentVariable("DESERTSEG_BENCH_THREADS") is { } t ? int.Parse(t) : 2);
        Console.WriteLine($"threads {get_num_threads()}");
        if (args.Length > 0)
        {
            // Shapes of one's own, e.g. `model -- resnet18:4:64x112` (the smoke scale's training step).
            foreach (var shape in args)
            {
                var parts = shape.Split(':', 'x');
                Train(parts[0], int.Parse(parts[1]), int.Parse(parts[2]), int.Parse(parts[3]), steps: 6);
            }
            return;
        }
        Train("resnet18", 8, 144, 256, steps: 4);
        Train("resnet101", 2, 256, 448, steps: 3);
        Infer("resnet101", 512, 896, runs: 3);
        CompareWithPyTorch();
    }

    /// <summary>Mean seconds of each timed shape in this process, keyed as tools/python/bench_torch.py prints them.</summary>
    private static readonly Dictionary<string, double> Results = [];

    /// <summary>
    /// The same shapes in PyTorch eager on this machine (tools/python/bench_torch.py, 2 threads), run after ours so the two
    /// never share the cores, and the ratio TorchSharp / PyTorch per shape (below 1: we are faster). Skipped, with a line
    /// saying so, where python3 has no torch (Debian: apt-get install python3-torch).
    /// </summary>
    private static void CompareWithPyTorch()
    {
        string script = Path.Combine(Workspace.Root, "tools", "python", "bench_torch.py");
        string output;
        try
        {
            // Debian's python3-torch installs into the system interpreter, which a pyenv shim on PATH may hide.
            string interpreter = Environment.GetEnvironmentVariable("DESERTSEG_PYTHON")
                ?? (File.Exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3");
            var start = new ProcessStartInfo(interpreter, [script])
            {
                RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Path.GetDirectoryName(script)!,
            };
            using var python = Process.Start(start)!;
            var error = python.StandardError.ReadToEndAsync();
            output = python.StandardOutput.ReadToEnd();
            python.WaitForExit();
            if (python.ExitCode != 0)
            {
                Console.WriteLine($"PyTorch comparison skipped: {script} exited {python.ExitCode} " +
                    $"({error.Result.Trim().Split('\n').LastOrDefault()}); Debian: apt-get install python3-torch");
                return;
            }
        }
        catch (System.ComponentModel.Win32Exception)
        {
            Console.WriteLine("PyTorch comparison skipped: no python3 on PATH");
            return;
        }
        Console.Write(output);
        Console.WriteLine("shape                                  TorchSharp s  PyTorch s  ratio");
        foreach (var line in output.Split('\n'))
        {
            int colon = line.IndexOf(':');
            if (colon < 0 || line.Contains("channels_last")) continue;
            string key = line[..colon].Replace(" (inference_mode)", "");
            var seconds = System.Text.RegularExpressions.Regex.Match(line[colon..], @"([0-9.]+) s/");
            if (!Results.TryGetValue(key, out double ours) || !seconds.Success) continue;
            double theirs = double.Parse(seconds.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
            Console.WriteLine($"{key,-38} {ours,12:F2} {theirs,10:F2} {ours / theirs,6:F2}");
        }
    }

    private static void Train(string encoder, int batch, int h, int w, int steps)
    {
        manual_seed(0);
        using var model = DeepLabV3Plus.Create(new ModelConfig(encoder, 7));
        using var loss = new SegmentationLoss(new LossConfig(), ClassNames);
        using var optimizer = optim.AdamW(model.parameters(), lr: 1e-4, weight_decay: 0.01);
        model.train();
        (double Forward, double Backward, double Optimizer) Step()
        {
            using var scope = NewDisposeScope();
            var x = randn(batch, 3, h, w);
            var y = randint(0, 7, [batch, h, w]);
            var clock = Stopwatch.StartNew();
            optimizer.zero_grad();
            var logits = model.call(x);
            double forward = clock.Elapsed.TotalSeconds;
            loss.call(logits, y).backward();
            double backward = clock.Elapsed.TotalSeconds;
            optimizer.step();
            return (forward, backward - forward, clock.Elapsed.TotalSeconds - backward);
        }
        Step(); // warm-up: allocations, AdamW state, oneDNN primitive caches
        var times = Enumerable.Range(0, steps).Select(_ => Step()).ToList();
        var total = times.Select(t => t.Forward + t.Backward + t.Optimizer).ToList();
        Console.WriteLine($"train {encoder} b{batch} {h}x{w}: {total.Average():F2} s/step (min {total.Min():F2}, max {total.Max():F2}); " +
            $"forward {times.Average(t => t.Forward):F2}, loss+backward {times.Average(t => t.Backward):F2}, " +
            $"AdamW {times.Average(t => t.Optimizer):F3}");
        Results[$"train {encoder} b{batch} {h}x{w}"] = total.Average();
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
            if (inference) Results[$"infer {encoder} 1x3x{h}x{w}"] = times.Average();
        }
    }
}
