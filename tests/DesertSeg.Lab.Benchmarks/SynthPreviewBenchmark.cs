using System.Diagnostics;
using DesertSeg.Lab.Data;
using DesertSeg.Lab.Data.Synthetic;
using DesertSeg.Lab.IO;

namespace DesertSeg.Lab.Benchmarks;

/// <summary>
/// Renders scenes of both environments in memory: render time per scene and the statistics of N scenes
/// against Table 1. Args: [N] [preview-folder] (the folder gets image|colour-mask pairs of the first scenes, and
/// synthetic-train.png / synthetic-test.png: one scene each at half size, the README figures).
/// </summary>
public sealed class SynthPreviewBenchmark : IBenchmark
{
    public string Name => "synth-scenes";
    public string Description => "Render N synthetic scenes per environment (no files): ms/scene, class shares, mean RGB";

    public void Run(string[] args)
    {
        int n = args.Length > 0 ? int.Parse(args[0]) : 100;
        string? preview = args.Length > 1 ? args[1] : null;
        var gen = new SceneGenerator();
        foreach (var env in new[] { DesertEnvironment.Training, DesertEnvironment.Test })
        {
            var stats = new SceneStatistics();
            var clock = Stopwatch.StartNew();
            var cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
            var results = new (RgbImage, RawMask)[n];
            Parallel.For(0, n, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount },
                i => results[i] = gen.Render(env, 1000 + i));
            double ms = clock.Elapsed.TotalMilliseconds;
            double cpuMs = (Process.GetCurrentProcess().TotalProcessorTime - cpu0).TotalMilliseconds;
            foreach (var (img, mask) in results) stats.Add(img, mask);
            Console.WriteLine($"{env.Name}: {n} scenes, {ms / n * Environment.ProcessorCount:F1} ms/scene/core ({ms / 1000:F1} s wall), " +
                $"CPU {cpuMs / n:F1} ms/scene");
            SynthBenchmark.PrintStats(stats, env == DesertEnvironment.Training);
            var enc = Stopwatch.StartNew();
            string tmp = Path.Combine(Path.GetTempPath(), $"enc-{Guid.NewGuid():N}");
            Directory.CreateDirectory(tmp);
            for (int i = 0; i < Math.Min(8, n); i++)
            {
                ImageFiles.WriteRgb(Path.Combine(tmp, "a.png"), results[i].Item1);
                MaskFiles.WriteRaw(Path.Combine(tmp, "m.png"), results[i].Item2);
            }
            Console.WriteLine($"  encode+write image+mask: {enc.Elapsed.TotalMilliseconds / Math.Min(8, n):F1} ms/scene (1 thread)");
            Directory.Delete(tmp, true);
            if (preview != null)
            {
                Directory.CreateDirectory(preview);
                for (int i = 0; i < Math.Min(6, n); i++)
                    ImageFiles.WriteRgb(Path.Combine(preview, $"{env.Name}-{i}.png"),
                        SideBySide(results[i].Item1, MaskFiles.Colorize(results[i].Item2)));
                // A small README figure: one scene, image | colour mask, at half size, colours rounded to
                // 6 bits so that the PNG stays small.
                var figure = SideBySide(Half(results[0].Item1), Half(MaskFiles.Colorize(results[0].Item2)));
                for (int i = 0; i < figure.Pixels.Length; i++) figure.Pixels[i] = (byte)(figure.Pixels[i] & 0xFC);
                ImageFiles.WriteRgb(Path.Combine(preview, $"synthetic-{(env == DesertEnvironment.Training ? "train" : "test")}.png"),
                    figure);
            }
        }
    }

    private static RgbImage Half(RgbImage a)
    {
        var o = new RgbImage(a.Width / 2, a.Height / 2);
        for (int y = 0; y < o.Height; y++)
            for (int x = 0; x < o.Width; x++)
                for (int c = 0; c < 3; c++)
                {
                    int sum = 0;
                    for (int dy = 0; dy < 2; dy++)
                        for (int dx = 0; dx < 2; dx++) sum += a.Pixels[((2 * y + dy) * a.Width + 2 * x + dx) * 3 + c];
                    o.Pixels[(y * o.Width + x) * 3 + c] = (byte)((sum + 2) / 4);
                }
        return o;
    }

    private static RgbImage SideBySide(RgbImage a, RgbImage b)
    {
        var o = new RgbImage(a.Width * 2, a.Height);
        for (int y = 0; y < a.Height; y++)
        {
            Array.Copy(a.Pixels, y * a.Width * 3, o.Pixels, y * o.Width * 3, a.Width * 3);
            Array.Copy(b.Pixels, y * a.Width * 3, o.Pixels, y * o.Width * 3 + a.Width * 3, a.Width * 3);
        }
        return o;
    }
}
