using DesertSeg.Lab.Data;
using DesertSeg.Lab.Data.Synthetic;
using DesertSeg.Lab.Reporting;
using DesertSeg.Lab.Studies;
using DesertSeg.Lab.Training;

namespace DesertSeg.Lab.Benchmarks;

/// <summary>
/// The lab's line-up over several seeds (training seed and environment draw) on the embedded data set: mean and standard
/// deviation of every line, each method's difference from source-only seed by seed, and whether it is within seed noise.
/// Runs live in the workspace's runs folder, so the first seed (42) reuses what <c>reproduce</c> trained. A third argument
/// names the lines to (re)measure, separated by '|' (after a change to one method, only its rows need new trainings);
/// source-only and the oracle are always measured, since every difference and gap refers to them.
/// </summary>
public sealed class AdaptationSeedsBenchmark : IBenchmark
{
    public string Name => "adaptation-seeds";
    public string Description =>
        "The lab's table over seeds, mean ± sd (-- [SCALE] [SEEDS] [LINE|LINE...]; default quick 3, every line); " +
        "writes report/tables/adaptation-seeds.*";

    public void Run(string[] args)
    {
        string scale = args.Length > 0 ? args[0] : "quick";
        int seeds = args.Length > 1 ? int.Parse(args[1]) : 3;
        var lines = args.Length > 2 ? args[2].Split('|', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries) : null;
        if (lines is not null)
            foreach (string label in lines) LabLines.ByLabel(label); // an unknown label stops here, listing the known ones
        var data = FalconDataset.Open(EmbeddedDataset.Ensure());
        var perSeed = new List<IReadOnlyList<AdaptationResult>>();
        for (int i = 0; i < seeds; i++)
        {
            int seed = PhaseCatalog.DefaultSeed + i;
            using var study = new Study(data, scale, RunStore.Default, log: Console.Out, seed: seed);
            using var lab = new AdaptationStudy(study);
            var results = lines is null
                ? lab.All()
                : lab.AvailableLines.Where(m => m.Kind is LineKind.Source or LineKind.Oracle || lines.Contains(m.Label))
                    .Select(m => m.Produce(lab)).ToList();
            perSeed.Add(results);
            Console.WriteLine($"seed {seed}:");
            Console.WriteLine(TableExport.ToMarkdown(AdaptationTable.Of(results)));
        }
        var table = SeedSummary.Table(SeedSummary.Of(perSeed));
        string suffix = lines is null ? "" : "-selected";
        Console.WriteLine(TableExport.ToMarkdown(table));
        string folder = Path.Combine(Workspace.Root, "report", "tables");
        TableExport.SaveCsv(table, Path.Combine(folder, $"adaptation-seeds{suffix}.csv"));
        TableExport.SaveMarkdown(table, Path.Combine(folder, $"adaptation-seeds{suffix}.md"),
            $"Domain adaptation over {seeds} seeds at {scale} scale: mean ± sample sd; 'within seed noise' when |difference| < its sd");
    }
}
