using DesertSeg.Lab.Training;

namespace DesertSeg.Lab.Plans;

/// <summary>
/// The trainings a job needs at one scale, each after the runs it starts from: what the report's sections and the lab's
/// lines declare they read (<see cref="Studies.ReportWriter.Needs"/>), closed over their parents and repeated for every
/// seed. Derived from those declarations, so it cannot drift from what the report reads; any engine runs it
/// (<see cref="PlanExecutor"/> here, <see cref="SlurmScripts"/> on a cluster).
/// </summary>
public sealed record ExperimentPlan(string Scale, IReadOnlyList<PlannedRun> Runs)
{
    /// <summary>
    /// The plan of <paramref name="needs"/> (declared at the catalog's seed) for each of <paramref name="seeds"/>, parents
    /// first, otherwise in the order declared; each run once.
    /// </summary>
    public static ExperimentPlan Of(string scale, IEnumerable<PlannedRun> needs, IReadOnlyList<int>? seeds = null)
    {
        if (!PhaseCatalog.Scales.Contains(scale))
            throw new ArgumentException($"Unknown scale '{scale}'. Scales: {string.Join(", ", PhaseCatalog.Scales)}.");
        seeds = seeds is { Count: > 0 } ? seeds : [PhaseCatalog.DefaultSeed];
        var declared = needs.ToList();
        var ordered = new List<PlannedRun>();
        var seen = new HashSet<PlannedRun>();
        void Visit(PlannedRun run)
        {
            if (!seen.Add(run)) return;
            foreach (var parent in run.Parents(scale)) Visit(parent);
            ordered.Add(run);
        }
        foreach (int seed in seeds)
            foreach (var need in declared)
                Visit(need with { Seed = seed });
        return new ExperimentPlan(scale, ordered);
    }

    /// <summary>The runs <paramref name="run"/> waits for.</summary>
    public IReadOnlyList<PlannedRun> ParentsOf(PlannedRun run) => run.Parents(Scale);

    /// <summary>The runs that wait for <paramref name="run"/>.</summary>
    public IEnumerable<PlannedRun> ChildrenOf(PlannedRun run) => Runs.Where(r => ParentsOf(r).Contains(run));

    /// <summary>
    /// For each run, the most work on a chain of runs that starts with it (its own cost included): the local executor starts
    /// the run with the longest chain first, so that the last trainings are not one long chain after the others are done.
    /// </summary>
    public IReadOnlyDictionary<PlannedRun, double> LongestChain(Func<PlannedRun, double> cost)
    {
        var chain = new Dictionary<PlannedRun, double>();
        double Of(PlannedRun run)
        {
            if (chain.TryGetValue(run, out double known)) return known;
            return chain[run] = cost(run) + ChildrenOf(run).Select(Of).DefaultIfEmpty(0).Max();
        }
        foreach (var run in Runs) Of(run);
        return chain;
    }

    /// <summary>Seeds given on the command line: "42,43,44".</summary>
    /// <exception cref="ArgumentException">Not a list of integers.</exception>
    public static IReadOnlyList<int> ParseSeeds(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return [PhaseCatalog.DefaultSeed];
        var seeds = new List<int>();
        foreach (string part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!int.TryParse(part, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out int seed))
                throw new ArgumentException($"--seeds: '{part}' is not an integer (give e.g. --seeds 42,43,44).");
            if (!seeds.Contains(seed)) seeds.Add(seed);
        }
        return seeds.Count > 0 ? seeds : throw new ArgumentException("--seeds: no seed given (e.g. --seeds 42,43,44).");
    }
}
