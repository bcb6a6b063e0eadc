using System.CommandLine;
using DesertSeg.Lab.Data;
using DesertSeg.Lab.Plans;
using DesertSeg.Lab.Studies;
using DesertSeg.Lab.Training;

namespace DesertSeg.Cli.Commands;

/// <summary>
/// What <c>plan</c> and <c>reproduce</c> both take to make the plan (scale, seeds, data, runs folder, lab or not, how to
/// train), and the one place that turns them into an <see cref="ExperimentPlan"/> and the train line of its runs.
/// </summary>
public sealed class PlanArguments
{
    public Option<string> Scale { get; } = new("--scale")
    {
        Description = "quick (2 CPU cores, about 22 min from nothing), full (report settings, CUDA) or smoke (2-3 minutes, for checks).",
        DefaultValueFactory = _ => "quick",
    };
    public Option<string?> Seeds { get; } = new("--seeds")
    {
        Description = $"Training seeds, e.g. 42,43,44: the plan once per seed (default {PhaseCatalog.DefaultSeed}). " +
            "The report is written from the first; the lab's seed summary reads them all.",
    };
    public Option<string?> Data { get; } = new("--data") { Description = "Data set folder (Falcon layout). Default: the embedded synthetic data set." };
    public Option<string?> Runs { get; } = new("--runs") { Description = "Runs folder (default: runs/ in the workspace, or DESERTSEG_RUNS)." };
    public Option<bool> NoAdaptation { get; } = new("--no-adaptation")
    {
        Description = "Only the report's phases: leave out the domain-adaptation lab (beyond the report).",
    };
    public TrainingArguments Training { get; } = new();

    public IEnumerable<Option> All => new Option[] { Scale, Seeds, Data, Runs, NoAdaptation }.Concat(Training.All);

    /// <summary>The plan and what it needs, opened from the command line: the data set is generated when it is the
    /// embedded default and missing; the runs folder must be writable.</summary>
    /// <param name="observer">Hears of trainings the first seed's study makes; <paramref name="log"/> its progress lines.</param>
    public Context Open(ParseResult r, ITrainingObserver? observer = null, TextWriter? log = null)
    {
        var seeds = ExperimentPlan.ParseSeeds(r.GetValue(Seeds));
        string? dataFolder = r.GetValue(Data);
        var dataset = FalconDataset.Open(dataFolder ?? EmbeddedData.Ensure());
        var store = r.GetValue(Runs) is { } folder ? new RunStore(folder) : RunStore.Default;
        RequireWritable(store.Folder);
        var options = Training.Build(r);
        bool adaptation = !r.GetValue(NoAdaptation) && HasTargetImages(options, dataset);
        var study = new Study(dataset, r.GetValue(Scale)!, store, options, observer, log: log, seed: seeds[0]);
        var plan = ExperimentPlan.Of(study.Scale, ReportWriter.Needs(study, adaptation), seeds);
        var line = new TrainCommandLine(study.Scale, dataset.Root, store.Folder, r.GetValue(Training.Weights.File),
            r.GetValue(Training.Weights.FromScratch), r.GetValue(Training.Target.Folder), r.GetValue(Training.Target.Transductive));
        return new Context(study, plan, line, adaptation, !r.GetValue(NoAdaptation) && !adaptation);
    }

    /// <param name="Study">The first seed's study (the caller disposes it).</param>
    /// <param name="LabLeftOut">The lab was asked for but this data set has no target images.</param>
    public sealed record Context(Study Study, ExperimentPlan Plan, TrainCommandLine Line, bool Adaptation, bool LabLeftOut)
    {
        public IReadOnlyList<PlannedRunState> States() => RunStates.Of(Plan, Study.Data, Study.Store, Study.Options);
    }

    /// <summary>Whether the lab has target-domain images: given with --target, or the data set's own.</summary>
    public static bool HasTargetImages(TrainingOptions options, FalconDataset dataset) =>
        options.TargetFolder is not null || Directory.Exists(TargetLayout.UnlabelledFolder(dataset.Root));

    /// <summary>Refuses a runs folder this process cannot write, naming it, before anything is planned or trained.</summary>
    private static void RequireWritable(string folder)
    {
        try
        {
            Directory.CreateDirectory(folder);
            string probe = Path.Combine(folder, $".write-check-{Environment.ProcessId}");
            File.WriteAllText(probe, "");
            File.Delete(probe);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new IOException($"{folder}: the runs folder is not writable ({e.Message}); give another with --runs DIR.", e);
        }
    }
}
