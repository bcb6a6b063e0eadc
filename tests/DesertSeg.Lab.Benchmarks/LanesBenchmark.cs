using System.Diagnostics;
using DesertSeg.Lab.Data;
using DesertSeg.Lab.Data.Synthetic;
using DesertSeg.Lab.Training;

namespace DesertSeg.Lab.Benchmarks;

/// <summary>
/// What the main job's two lanes buy on this CPU: two runs trained one after the other in one process with every core
/// (<c>reproduce --lanes 1</c>), against the same two trained at once in two processes with half the cores each
/// (<c>--lanes 2</c>, <see cref="Lab.Studies.SecondLane"/>). Both runs start from the same finished Phase 3 (trained first
/// if the runs folder has none) and are trained afresh in each mode; their best val mIoU is printed beside the times, since
/// the thread count moves results in their last digits.
/// </summary>
public sealed class LanesBenchmark : IBenchmark
{
    public string Name => "lanes";
    public string Description => "Two runs one after the other with every core vs at once in two processes with half each " +
        "(-- [PHASE_A] [PHASE_B] [RUNS]; default 5-rocks8 5-ohem, quick, a fresh runs folder)";

    private const string Child = "child";
    private const string ResultMark = "lane-result";

    public void Run(string[] args)
    {
        if (args.Length > 0 && args[0] == Child)
        {
            // One lane: args = child PHASE RUNS THREADS; prints its result on a line of its own.
            Console.WriteLine($"{ResultMark} {Train(Data(), args[1], args[2], int.Parse(args[3]))}");
            return;
        }
        string a = args.Length > 0 ? args[0] : "5-rocks8";
        string b = args.Length > 1 ? args[1] : "5-ohem";
        bool fresh = args.Length <= 2;
        string runs = fresh ? Path.Combine(Path.GetTempPath(), "desertseg-bench-lanes-" + Guid.NewGuid().ToString("N")[..8]) : args[2];
        int cores = Environment.ProcessorCount;
        try
        {
            var data = Data();
            var clock = Stopwatch.StartNew();
            new PhaseRunner(new RunStore(runs), data).Ensure(PhaseCatalog.Get("3", "quick"));
            Console.WriteLine($"Phase 3 quick ready in {clock.Elapsed.TotalSeconds:F0} s ({runs}); {cores} cores");

            clock.Restart();
            var first = Train(data, a, runs, cores);
            var second = Train(data, b, runs, cores);
            double oneLane = clock.Elapsed.TotalSeconds;
            Console.WriteLine($"one lane, {cores} threads, one after the other: {oneLane:F1} s " +
                $"({a} {first.Seconds:F1} s, val mIoU {first.MeanIoU:F4}; {b} {second.Seconds:F1} s, val mIoU {second.MeanIoU:F4})");

            int half = Math.Max(1, cores / 2);
            clock.Restart();
            var lanes = new[] { a, b }.Select(phase => StartChild(phase, runs, half)).ToList();
            var results = lanes.Select(Finish).ToList();
            double twoLanes = clock.Elapsed.TotalSeconds;
            Console.WriteLine($"two lanes, {half} thread(s) each, at once: {twoLanes:F1} s " +
                $"({a} {results[0].Seconds:F1} s, val mIoU {results[0].MeanIoU:F4}; {b} {results[1].Seconds:F1} s, val mIoU {results[1].MeanIoU:F4})");
            Console.WriteLine($"two lanes / one lane: {twoLanes / oneLane:F3} ({(oneLane - twoLanes) / oneLane:P1} less wall time)");
        }
        finally
        {
            if (fresh && Directory.Exists(runs)) Directory.Delete(runs, recursive: true);
        }
    }

    private readonly record struct Trained(double Seconds, double MeanIoU)
    {
        public override string ToString() => FormattableString.Invariant($"{Seconds} {MeanIoU}");
    }

    /// <summary>Trains the phase afresh (its Phase 3 reused) with <paramref name="threads"/> LibTorch threads.</summary>
    private static Trained Train(FalconDataset data, string phase, string runs, int threads)
    {
        var runner = new PhaseRunner(new RunStore(runs), data, new TrainingOptions(Threads: threads));
        var clock = Stopwatch.StartNew();
        var run = runner.Ensure(PhaseCatalog.Get(phase, "quick"), force: true);
        return new Trained(clock.Elapsed.TotalSeconds, run.Directory.ReadStatus()!.BestValMeanIoU ?? double.NaN);
    }

    private static FalconDataset Data() => FalconDataset.Open(EmbeddedDataset.Ensure());

    private static Process StartChild(string phase, string runs, int threads)
    {
        string self = Environment.ProcessPath!;
        var start = new ProcessStartInfo(self) { RedirectStandardOutput = true, RedirectStandardError = true };
        if (!Path.GetFileNameWithoutExtension(self).Equals("DesertSeg.Lab.Benchmarks", StringComparison.Ordinal))
            start.ArgumentList.Add(typeof(LanesBenchmark).Assembly.Location);
        foreach (string arg in new[] { "lanes", "--", Child, phase, runs, threads.ToString() }) start.ArgumentList.Add(arg);
        // The process-wide count too (data loading, scoring), as reproduce's lanes keep it.
        start.Environment["OMP_NUM_THREADS"] = threads.ToString();
        return Process.Start(start)!;
    }

    private static Trained Finish(Process child)
    {
        using (child)
        {
            var errors = child.StandardError.ReadToEndAsync();
            string output = child.StandardOutput.ReadToEnd();
            child.WaitForExit();
            if (child.ExitCode != 0)
                throw new InvalidOperationException($"A lane ended with exit code {child.ExitCode}: {errors.Result}{output}");
            var last = output.Split('\n').Single(l => l.StartsWith(ResultMark + " ", StringComparison.Ordinal)).Trim().Split(' ')[1..];
            return new Trained(double.Parse(last[0], System.Globalization.CultureInfo.InvariantCulture),
                double.Parse(last[1], System.Globalization.CultureInfo.InvariantCulture));
        }
    }
}
