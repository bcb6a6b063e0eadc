using DesertSeg.Lab.Data;
using DesertSeg.Lab.Data.Synthetic;
using DesertSeg.Lab.Studies;
using DesertSeg.Lab.Training;

namespace DesertSeg.Lab.Benchmarks;

/// <summary>
/// The main job's label-free estimates section alone (<see cref="LabelFreeTables.Estimates"/> on Phase 5 of the
/// workspace's runs), with the process's resident memory and the managed heap before and after: which of the two holds
/// what the section leaves behind (issue 29).
/// </summary>
public sealed class EstimatesMemoryProbe : IBenchmark
{
    public string Name => "estimates-memory";
    public string Description => "resident vs managed memory around the main job's label-free estimates section (-- [SCALE] [REPEATS] [POOL THREADS])";

    public void Run(string[] args)
    {
        string scale = args.Length > 0 ? args[0] : "quick";
        int repeats = args.Length > 1 ? int.Parse(args[1]) : 2;
        // The main job's thread pool has grown by the time it reaches this section (threads blocked on child trainings and
        // on the plan's gate): as many threads ready here as it had.
        if (args.Length > 2) ThreadPool.SetMinThreads(int.Parse(args[2]), int.Parse(args[2]));
        var data = FalconDataset.Open(EmbeddedDataset.Ensure());
        using var study = new Study(data, scale, RunStore.Default, log: Console.Out);
        Print("before");
        for (int r = 0; r < repeats; r++)
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            LabelFreeTables.Estimates(study);
            Print($"after estimates {r + 1} ({clock.Elapsed.TotalSeconds:F1} s)");
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
            Print($"after a full collection");
        }
    }

    private static void Print(string when)
    {
        var info = GC.GetGCMemoryInfo();
        using var self = System.Diagnostics.Process.GetCurrentProcess();
        Console.WriteLine($"{when,-40} resident {self.WorkingSet64 / 1e9:F2} GB  managed heap {info.HeapSizeBytes / 1e9:F2} GB  " +
            $"committed {info.TotalCommittedBytes / 1e9:F2} GB  fragmented {info.FragmentedBytes / 1e9:F2} GB");
    }
}
