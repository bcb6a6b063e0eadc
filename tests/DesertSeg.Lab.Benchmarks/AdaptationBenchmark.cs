using System.Diagnostics;
using DesertSeg.Lab.Data;
using DesertSeg.Lab.Data.Synthetic;
using DesertSeg.Lab.Studies;
using DesertSeg.Lab.Training;

namespace DesertSeg.Lab.Benchmarks;

/// <summary>
/// Every domain-adaptation method of the lab at a scale on the embedded data set, from a fresh runs folder: wall time
/// (training or adaptation, plus scoring on test) and the peak resident memory while it ran (sampled every 50 ms).
/// "Source only" includes training Phases 3 and 5, which every other method starts from.
/// </summary>
public sealed class AdaptationBenchmark : IBenchmark
{
    public string Name => "adaptation";
    public string Description =>
        "Time and peak RSS of each domain-adaptation method (-- [SCALE] [RUNS]; default quick, a fresh runs folder)";

    public void Run(string[] args)
    {
        string scale = args.Length > 0 ? args[0] : "quick";
        bool fresh = args.Length < 2;
        string runs = fresh ? Path.Combine(Path.GetTempPath(), "desertseg-bench-da-" + Guid.NewGuid().ToString("N")[..8]) : args[1];
        var data = FalconDataset.Open(EmbeddedDataset.Ensure());
        try
        {
            using var study = new Study(data, scale, new RunStore(runs));
            var lab = new AdaptationStudy(study);
            Console.WriteLine($"{"method",-38} {"wall s",7} {"peak RSS MB",11} {"test mIoU",9} {"Rocks IoU",9}");
            foreach (var method in lab.AvailableLines)
            {
                using var peak = new PeakMemory();
                var clock = Stopwatch.StartNew();
                var result = method.Produce(lab);
                Console.WriteLine($"{method.Label,-38} {clock.Elapsed.TotalSeconds,7:F1} {peak.PeakMb,11:F0} " +
                    $"{result.Test.Metrics.MeanIoU,9:F4} {result.Test.IoU("Rocks"),9:F4}");
            }
        }
        finally
        {
            if (fresh && Directory.Exists(runs)) Directory.Delete(runs, recursive: true);
        }
    }

    /// <summary>Samples the process's resident memory until disposed and keeps the largest value.</summary>
    private sealed class PeakMemory : IDisposable
    {
        private readonly Timer _timer;
        private long _peak;

        public PeakMemory()
        {
            Sample();
            _timer = new Timer(_ => Sample(), null, 0, 50);
        }

        public double PeakMb => Interlocked.Read(ref _peak) / 1e6;

        private void Sample()
        {
            using var self = Process.GetCurrentProcess();
            long rss = self.WorkingSet64, seen;
            while (rss > (seen = Interlocked.Read(ref _peak)) && Interlocked.CompareExchange(ref _peak, rss, seen) != seen) { }
        }

        public void Dispose() => _timer.Dispose();
    }
}
