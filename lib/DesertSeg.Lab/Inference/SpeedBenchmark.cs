using System.Diagnostics;
using DesertSeg.Lab.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace DesertSeg.Lab.Inference;

/// <summary>How <see cref="SpeedBenchmark"/> measures.</summary>
/// <param name="Warmup">Untimed runs first (allocator, oneDNN/cuDNN primitive caches).</param>
/// <param name="Repeats">Timed runs; the median is reported.</param>
/// <param name="Tta">The multi-scale mode to time beside single scale.</param>
public sealed record BenchmarkOptions(int Warmup = 2, int Repeats = 10, TestTimeAugmentation? Tta = null)
{
    public TestTimeAugmentation Augmentation => Tta ?? TestTimeAugmentation.Original;
}

/// <summary>Table 6 measured on this machine.</summary>
public sealed record BenchmarkResult(
    ModelSummary Model,
    string Device,
    int Threads,
    int Height,
    int Width,
    int Repeats,
    double MsPerImage,
    double MsPerImageTta,
    int TtaPasses,
    long PeakWorkingSetBytes,
    long? PeakGpuBytes,
    string Precision = "float32")
{
    public double Fps => 1000 / MsPerImage;
    public double FpsTta => 1000 / MsPerImageTta;

    /// <summary>The speed and size rows of the report's Table 6: this measurement beside the report's.</summary>
    public IReadOnlyList<(string Metric, string Measured, string Report)> Table6Rows() =>
    [
        ("Model and input", $"{Model.Config.Encoder}, {Model.Config.Classes} classes, {Height}x{Width}", "resnet101, 7 classes, 512x896"),
        ("Parameters", $"{Model.TotalParameters:N0}", $"{Reporting.ReportedNumbers.Table6.Parameters:N0}"),
        ("Model size", $"{Model.SizeMB:F1} MB (float32 state dict)", $"~{Reporting.ReportedNumbers.Table6.ModelSizeMB:F0} MB"),
        ("Inference (single scale)", $"{MsPerImage:F1} ms/image ({Fps:F1} FPS)",
            $"{Reporting.ReportedNumbers.Table6.MsPerImage} ms/image (42 FPS)"),
        ($"Inference (TTA, {TtaPasses} passes)", $"{MsPerImageTta:F1} ms/image ({FpsTta:F1} FPS)",
            $"{Reporting.ReportedNumbers.Table6.MsPerImageTta} ms/image (7.3 FPS)"),
        ("Peak memory", PeakGpuBytes is { } gpu ? $"{gpu / 1e9:F2} GB GPU (nvidia-smi, process)"
            : $"{PeakWorkingSetBytes / 1e9:F2} GB process (working set)",
            $"~{Reporting.ReportedNumbers.Table6.PeakVramGB} GB VRAM"),
        ("Hardware", $"{Device}, {Threads} threads, {Precision}", Reporting.ReportedNumbers.Table6.Hardware),
    ];
}

/// <summary>
/// Inference speed at the model's input size, batch 1, as Table 6 reports it: forward pass and argmax
/// (single scale) and the full TTA (all passes, resizes and sum), in inference mode; warm-up runs excluded,
/// median of the repeats. Image decoding and resizing are not timed.
/// </summary>
public static class SpeedBenchmark
{
    public static BenchmarkResult Run(Predictor predictor, BenchmarkOptions? options = null)
    {
        options ??= new BenchmarkOptions();
        if (options.Repeats <= 0 || options.Warmup < 0)
            throw new ArgumentException($"Repeats must be positive and warm-up not negative (got {options.Repeats}, {options.Warmup}).");
        manual_seed(0);
        using var input = randn(1, 3, predictor.Height, predictor.Width).to(predictor.Device);
        long? gpuPeak = null;
        double Once(TestTimeAugmentation tta)
        {
            using var mode = inference_mode();
            using var scope = NewDisposeScope();
            var clock = Stopwatch.StartNew();
            var prediction = ClassIndices.Of(predictor.InputLogits(input, tta));
            // Reading the result back waits for an asynchronous device to finish.
            prediction.cpu();
            double ms = clock.Elapsed.TotalMilliseconds;
            if (predictor.Device.type == DeviceType.CUDA && GpuMemory.ProcessUsedBytes() is { } used)
                gpuPeak = Math.Max(gpuPeak ?? 0, used);
            return ms;
        }
        double Median(TestTimeAugmentation tta)
        {
            for (int i = 0; i < options.Warmup; i++) Once(tta);
            var times = Enumerable.Range(0, options.Repeats).Select(_ => Once(tta)).Order().ToList();
            int n = times.Count;
            return n % 2 == 1 ? times[n / 2] : (times[n / 2 - 1] + times[n / 2]) / 2;
        }
        double single = Median(TestTimeAugmentation.None);
        double tta = Median(options.Augmentation);
        using var process = Process.GetCurrentProcess();
        process.Refresh();
        return new BenchmarkResult(ModelSummary.Of(predictor.Model), predictor.Device.ToString(), get_num_threads(),
            predictor.Height, predictor.Width, options.Repeats, single, tta, options.Augmentation.Passes,
            process.PeakWorkingSet64, gpuPeak, predictor.Precision == InferencePrecision.Bf16 ? "bfloat16" : "float32");
    }
}

/// <summary>
/// GPU memory of this process as nvidia-smi reports it. TorchSharp 0.107 does not expose PyTorch's
/// torch.cuda.max_memory_allocated, so the driver's figure (which includes the CUDA context and the
/// caching allocator's reserve) is the closest available, sampled after each timed run.
/// </summary>
public static class GpuMemory
{
    public static long? ProcessUsedBytes()
    {
        try
        {
            var start = new ProcessStartInfo("nvidia-smi", "--query-compute-apps=pid,used_memory --format=csv,noheader,nounits")
            {
                RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
            };
            using var smi = Process.Start(start);
            if (smi is null) return null;
            string output = smi.StandardOutput.ReadToEnd();
            smi.WaitForExit(5000);
            int pid = Environment.ProcessId;
            foreach (var line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                var parts = line.Split(',', StringSplitOptions.TrimEntries);
                if (parts.Length == 2 && int.TryParse(parts[0], out var p) && p == pid && long.TryParse(parts[1], out var mib))
                    return mib * 1024 * 1024;
            }
            return null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null; // no nvidia-smi on this machine
        }
    }
}
