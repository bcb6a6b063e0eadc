using System.Diagnostics;
using DesertSeg.Lab.Data;
using DesertSeg.Lab.Data.Audit;
using DesertSeg.Lab.Data.Synthetic;

namespace DesertSeg.Lab.Benchmarks;

/// <summary>Audit throughput (images/s, image and mask both decoded) on the embedded data set.</summary>
public sealed class AuditBenchmark : IBenchmark
{
    public string Name => "audit";
    public string Description => "Audit throughput in images/s (PNG image + 16-bit mask decoded), embedded data set or -- DIR";

    public void Run(string[] args)
    {
        string root = args.Length > 0 ? args[0] : EmbeddedDataset.Ensure();
        var dataset = FalconDataset.Open(root);
        int images = dataset.Splits.Sum(s => s.Pairs.Count);
        Console.WriteLine($"Data set: {root} ({images} image/mask pairs), {Environment.ProcessorCount} cores");
        DatasetAuditor.Audit(dataset); // warm-up: JIT, OpenCV initialisation, file cache
        var times = new List<double>();
        for (int repeat = 0; repeat < 3; repeat++)
        {
            var clock = Stopwatch.StartNew();
            DatasetAuditor.Audit(dataset);
            times.Add(clock.Elapsed.TotalSeconds);
        }
        times.Sort();
        double median = times[1];
        Console.WriteLine($"audit: median {median:F2} s over 3 runs = {images / median:F1} images/s ({2 * images / median:F1} files/s)");
    }
}
