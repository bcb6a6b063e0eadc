using System.Diagnostics;
using DesertSeg.Lab.Data;
using DesertSeg.Lab.Data.Synthetic;
using DesertSeg.Lab.IO;

namespace DesertSeg.Lab.Benchmarks;

/// <summary>
/// Generates the default synthetic data set into a temporary folder: time, images/s; then class shares and
/// mean RGB per environment (read back from the written files) against Table 1, the report's means, and
/// the real Falcon samples' means when ../shared/falcon-samples is found.
/// Args: [train val test] to override the default counts.
/// </summary>
public sealed class SynthBenchmark : IBenchmark
{
    public string Name => "synth";
    public string Description => "Generate the default synthetic Falcon data set: seconds, images/s, class shares and mean RGB vs Table 1";

    public void Run(string[] args)
    {
        var spec = args.Length >= 3
            ? new SyntheticDatasetSpec(int.Parse(args[0]), int.Parse(args[1]), int.Parse(args[2]))
            : SyntheticDatasetSpec.Default;
        string root = Path.Combine(Path.GetTempPath(), $"desertseg-synth-{Guid.NewGuid():N}");
        try
        {
            Console.WriteLine($"spec {spec} on {Environment.ProcessorCount} cores -> {root}");
            var clock = Stopwatch.StartNew();
            var cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
            SyntheticFalconWriter.Write(root, spec);
            double s = clock.Elapsed.TotalSeconds;
            double cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpu0).TotalSeconds;
            Console.WriteLine($"generated {spec.TotalCount} scenes (image + mask PNG) in {s:F1} s: {spec.TotalCount / s:F1} images/s");
            // On a shared machine the wall time depends on other load; CPU time does not (much).
            Console.WriteLine($"CPU time {cpu:F1} s ({cpu * 1000 / spec.TotalCount:F0} ms/scene); " +
                $"at full use of {Environment.ProcessorCount} cores that is {cpu / Environment.ProcessorCount:F1} s wall; " +
                $"load average now {LoadAverage()}");
            Console.WriteLine($"complete (manifest): {SyntheticFalconWriter.IsComplete(root, spec)}");
            MultiEnvironment(root, spec);

            foreach (var (split, training) in new[] { (SyntheticFalconWriter.Split.Train, true),
                (SyntheticFalconWriter.Split.Test, false) })
            {
                string folder = SyntheticFalconWriter.SplitFolder(root, split);
                var stats = new SceneStatistics();
                foreach (var img in Directory.GetFiles(Path.Combine(folder, FalconLayout.Images), "*.png"))
                    stats.Add(ImageFiles.ReadRgb(img), MaskFiles.ReadRaw(Path.Combine(folder, FalconLayout.Masks, Path.GetFileName(img))));
                Console.WriteLine($"{split} ({SyntheticFalconWriter.EnvironmentOf(split).Name} environment, {stats.Images} images):");
                PrintStats(stats, training);
                var real = RealSampleMean(training ? "train" : "test");
                if (real is { } r) Console.WriteLine($"  real falcon-samples/{(training ? "train" : "test")} mean RGB " +
                    $"[{r.R:F0}, {r.G:F0}, {r.B:F0}] ({r.N} images)");
            }
        }
        finally
        {
            try { Directory.Delete(root, recursive: true); } catch (IOException) { }
        }
    }

    /// <summary>
    /// The main job's K=4 data set (as <c>AdaptationStudy</c> makes it) rendered whole, then with this set as its donor (its
    /// test scenes and the training desert's own scenes copied): seconds each, and the two fingerprints, which must agree.
    /// </summary>
    private static void MultiEnvironment(string donor, SyntheticDatasetSpec spec)
    {
        var k4 = spec with { Environments = 4, TargetCount = 0, OracleCount = 0, OracleValCount = 0 };
        var fingerprints = new List<string>();
        foreach (bool withDonor in new[] { false, true })
        {
            string root = donor + (withDonor ? "-k4-donated" : "-k4");
            try
            {
                var clock = Stopwatch.StartNew();
                int copied = SyntheticFalconWriter.Write(root, k4, donor: withDonor ? donor : null);
                fingerprints.Add(SyntheticFalconWriter.ReadManifest(root)!.Fingerprint);
                Console.WriteLine($"K=4 set ({k4.TotalCount} scenes) {(withDonor ? "with the default set as donor" : "rendered whole")}: " +
                    $"{clock.Elapsed.TotalSeconds:F1} s, {copied} scenes copied, fingerprint {fingerprints[^1][..16]}");
            }
            finally
            {
                try { Directory.Delete(root, recursive: true); } catch (IOException) { }
            }
        }
        if (fingerprints[0] != fingerprints[1]) throw new InvalidOperationException("The donated K=4 set differs from the rendered one.");
    }

    /// <summary>Prints class shares and mean RGB against Table 1 and the report's means.</summary>
    public static void PrintStats(SceneStatistics stats, bool training)
    {
        Console.WriteLine($"  {"class",-15} {"synthetic %",11} {"Table 1 %",10}  mean RGB of the class");
        foreach (var c in FalconClass.All)
        {
            var t = SceneStatistics.ReportTable1[c.Name];
            var cm = stats.ClassMeanRgb(c.Name);
            string rgb = cm is { } v ? $"[{v.R:F0}, {v.G:F0}, {v.B:F0}]" : "-";
            Console.WriteLine($"  {c.Name,-15} {stats.Share(c.Name) * 100,11:F3} {(training ? t.Train : t.Test),10:F3}  {rgb}");
        }
        var m = stats.MeanRgb;
        var r = training ? SceneStatistics.ReportTrainMeanRgb : SceneStatistics.ReportTestMeanRgb;
        Console.WriteLine($"  mean RGB [{m.R:F0}, {m.G:F0}, {m.B:F0}]  report [{r.R}, {r.G}, {r.B}]  " +
            $"unknown mask values: {stats.UnknownValues}");
    }

    private static string LoadAverage()
    {
        try { return File.Exists("/proc/loadavg") ? string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a"; }
        catch (IOException) { return "n/a"; }
    }

    /// <summary>Mean RGB of the real sample images of a split (shared/falcon-samples beside the workspace), or null.</summary>
    private static (double R, double G, double B, int N)? RealSampleMean(string split)
    {
        if (Workspace.FalconSampleImages(split) is not { } images) return null;
        var stats = new SceneStatistics();
        foreach (var f in Directory.GetFiles(images, "*.png")) stats.AddImage(ImageFiles.ReadRgb(f));
        var m = stats.MeanRgb;
        return (m.R, m.G, m.B, stats.Images);
    }
}
