using DesertSeg.Lab.Data;
using DesertSeg.Lab.Data.Synthetic;

namespace DesertSeg.Lab.Benchmarks;

public sealed partial class SynthBenchmark
{
    /// <summary>Prints class shares and mean RGB against Table 1 and the report's means.</summary>
    public static void PrintStats(SceneStatistics stats, bool training)
    {
        Console.WriteLine($"  {"class",-15} {"synthetic %",11} {"Table 1 %",10}");
        foreach (var c in FalconClass.All)
        {
            var t = SceneStatistics.ReportTable1[c.Name];
            Console.WriteLine($"  {c.Name,-15} {stats.Share(c.Name) * 100,11:F3} {(training ? t.Train : t.Test),10:F3}");
        }
        var m = stats.MeanRgb;
        var r = training ? SceneStatistics.ReportTrainMeanRgb : SceneStatistics.ReportTestMeanRgb;
        Console.WriteLine($"  mean RGB [{m.R:F0}, {m.G:F0}, {m.B:F0}]  report [{r.R}, {r.G}, {r.B}]  unknown mask values: {stats.UnknownValues}");
    }
}
