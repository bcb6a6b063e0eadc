using System.Diagnostics;
using DesertSeg.Lab.Data;
using DesertSeg.Lab.Data.Synthetic;
using DesertSeg.Lab.Training;

namespace DesertSeg.Lab.Benchmarks;

/// <summary>
/// Wall time of a phase at quick scale (Phase 5 by default, which trains Phase 3 first) on the
/// embedded data set, with the process's resident memory after every epoch: it must stay flat.
/// </summary>
public sealed class TrainBenchmark : IBenchmark
{
    public string Name => "train";
    public string Description => "Quick-scale phase wall time and RSS per epoch (-- PHASE [SCALE]; default 5 quick; fresh runs folder)";

    public void Run(string[] args)
    {
        string phase = args.Length > 0 ? args[0] : "5";
        string scale = args.Length > 1 ? args[1] : "quick";
        var data = FalconDataset.Open(EmbeddedDataset.Ensure());
        string runs = Path.Combine(Path.GetTempPath(), "desertseg-bench-runs-" + Guid.NewGuid().ToString("N")[..8]);
        var observer = new MemoryObserver();
        var clock = Stopwatch.StartNew();
        try
        {
            var run = new PhaseRunner(new RunStore(runs), data, observer: observer).Ensure(PhaseCatalog.Get(phase, scale));
            Console.WriteLine($"phase {phase} {scale}: {clock.Elapsed.TotalMinutes:F1} min wall (dependencies included), " +
                $"best val mIoU {run.Directory.ReadStatus()!.BestValMeanIoU:F4}");
            Console.WriteLine("run            epoch  s/epoch  img/s   RSS MB  managed MB");
            foreach (var row in observer.Rows) Console.WriteLine(row);
            var rss = observer.RssMb;
            if (rss.Count > 2)
                Console.WriteLine(
                    $"RSS after the first epoch of each run: first {rss[0]:F0} MB, max {rss.Max():F0} MB, last {rss[^1]:F0} MB");
        }
        finally
        {
            Directory.Delete(runs, recursive: true);
        }
    }

    private sealed class MemoryObserver : ITrainingObserver
    {
        private string _name = "";
        public List<string> Rows { get; } = [];
        public List<double> RssMb { get; } = [];

        public void RunStarted(RunDirectory run, RunConfig config, int startEpoch, int stepsPerEpoch) => _name = config.Name;

        public void EpochCompleted(EpochRecord r)
        {
            GC.Collect();
            double rss = Process.GetCurrentProcess().WorkingSet64 / 1e6;
            RssMb.Add(rss);
            Rows.Add($"{_name,-14} {r.Epoch,5}  {r.Seconds,7:F1}  {r.ImagesPerSecond,5:F1}  {rss,7:F0}  " +
                $"{GC.GetTotalMemory(false) / 1e6,10:F0}");
            Console.WriteLine(Rows[^1]);
        }
    }
}
