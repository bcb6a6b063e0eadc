using System.CommandLine;
using System.Text.Json;
using DesertSeg.Lab.Plans;
using Spectre.Console;

namespace DesertSeg.Cli.Commands;

/// <summary>
/// <c>desertseg plan</c>: the trainings the report and the lab need, each with what it waits for, its cost and where it
/// stands in the runs folder; as a table, as JSON, or as Slurm job scripts with a submit.sh.
/// </summary>
public static class PlanCommand
{
    public static Command Create()
    {
        var arguments = new PlanArguments();
        var format = new Option<string>("--format")
        {
            Description = "table (default), json (for tools) or slurm (job scripts and submit.sh in --out).",
            DefaultValueFactory = _ => "table",
        };
        var outDir = new Option<string?>("--out") { Description = "With --format slurm: the folder for submit.sh, jobs/ and logs/." };
        var partition = new Option<string?>("--partition") { Description = "Slurm partition for every job." };
        var account = new Option<string?>("--account") { Description = "Slurm account for every job." };
        var sbatchArguments = new Option<string[]>("--sbatch-arg")
        {
            Description = "One more sbatch option for every job (repeatable), e.g. --sbatch-arg=--qos=short.",
            AllowMultipleArgumentsPerToken = false,
        };
        var command = new Command("plan",
            "The plan of trainings behind the report and the lab: what each waits for, its cost, its state here; " +
            "--format slurm writes it as Slurm jobs (then: bash DIR/submit.sh on a login node).")
        {
            format, outDir, partition, account, sbatchArguments,
        };
        foreach (var option in arguments.All) command.Options.Add(option);
        command.SetAction(r => CommandGuard.Run(() =>
        {
            string chosen = r.GetValue(format)!.ToLowerInvariant();
            if (chosen is not ("table" or "json" or "slurm"))
                throw new ArgumentException($"--format: '{chosen}' is not table, json or slurm.");
            if (chosen == "slurm" && r.GetValue(outDir) is null)
                throw new ArgumentException("--format slurm writes scripts: give the folder with --out DIR (on the cluster's shared file system).");
            var context = arguments.Open(r);
            using var study = context.Study;
            var states = context.States();
            var missingWeights = states.FirstOrDefault(s => s.Standing == RunStanding.NeedsEncoderWeights);
            switch (chosen)
            {
                case "json":
                    Console.WriteLine(JsonSerializer.Serialize(Json(context, states), new JsonSerializerOptions { WriteIndented = true }));
                    break;
                case "slurm":
                    if (missingWeights is not null)
                        throw new ArgumentException($"{missingWeights.Config.Name} at scale {context.Plan.Scale} needs ImageNet encoder weights " +
                            $"and none were given: nothing written. Give them with --encoder-weights FILE (the file must be on the shared " +
                            "file system), or train from random weights on purpose with --from-scratch.");
                    if (states.FirstOrDefault(s => s.Standing == RunStanding.CannotStart) is { } blocked)
                        throw new ArgumentException($"{blocked.Run.Id} {blocked.Describe()}: nothing written.");
                    string submit = SlurmScripts.Write(context.Plan, states, context.Line, ProgramCommand(),
                        new SlurmOptions(r.GetValue(partition), r.GetValue(account), r.GetValue(sbatchArguments)), r.GetValue(outDir)!);
                    int toRun = states.Count(s => s.Standing != RunStanding.Finished);
                    AnsiConsole.MarkupLineInterpolated($"Wrote [bold]{submit}[/]: {toRun} job(s), {states.Count - toRun} run(s) already finished.");
                    if (FindOnPath("sbatch") is null)
                        AnsiConsole.MarkupLineInterpolated(
                            $"[yellow]notice:[/] no sbatch on this machine's PATH: copy or mount {Path.GetDirectoryName(submit)} on the cluster and run 'bash {submit}' on its login node.");
                    else AnsiConsole.MarkupLineInterpolated($"Submit with: bash {submit}");
                    break;
                default:
                    Table(context, states);
                    break;
            }
            if (missingWeights is not null && chosen != "slurm")
                AnsiConsole.MarkupLineInterpolated(
                    $"[yellow]notice:[/] {missingWeights.Config.Name} needs ImageNet encoder weights at scale {context.Plan.Scale}: give them with --encoder-weights FILE before submitting or reproducing.");
            if (context.LabLeftOut)
                AnsiConsole.MarkupLine("[yellow]notice:[/] no target-domain images (--target DIR) for this data set: the lab's runs are left out.");
            return CommandGuard.Ok;
        }));
        return command;
    }

    /// <summary>How a node starts this program: the .NET host and this assembly, wherever it was built.</summary>
    private static string ProgramCommand() => $"dotnet {typeof(PlanCommand).Assembly.Location}";

    private static string? FindOnPath(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
        .Select(d => Path.Combine(d, program)).FirstOrDefault(File.Exists);

    private static void Table(PlanArguments.Context context, IReadOnlyList<PlannedRunState> states)
    {
        var table = new Table().Border(TableBorder.Simple)
            .AddColumns("run", "waits for", "steps", "device", "state", "folder");
        foreach (var s in states)
            table.AddRow(Markup.Escape(s.Run.Id), Markup.Escape(string.Join(", ",
                    context.Plan.ParentsOf(s.Run).Select(p => p.Id))),
                $"{s.Steps:N0}", s.Device, Markup.Escape(s.Describe()), Markup.Escape(s.Folder is null ? "-" : Path.GetFileName(s.Folder)));
        AnsiConsole.Write(table);
        long left = states.Where(s => s.Standing != RunStanding.Finished).Sum(s => s.Steps);
        string seeds = string.Join(",", context.Plan.Runs.Select(r => r.Seed).Distinct());
        int finished = states.Count(s => s.Standing == RunStanding.Finished);
        AnsiConsole.MarkupLineInterpolated(
            $"{states.Count} run(s) at scale {context.Plan.Scale}, seeds {seeds}: {finished} finished, {left:N0} optimizer steps left. Runs folder: {context.Study.Store.Folder}");
    }

    private static object Json(PlanArguments.Context context, IReadOnlyList<PlannedRunState> states) => new
    {
        scale = context.Plan.Scale,
        runsFolder = context.Study.Store.Folder,
        data = context.Study.Data.Root,
        runs = states.Select(s => new
        {
            id = s.Run.Id,
            phase = s.Run.Phase,
            environments = s.Run.Environments,
            heldOut = PlannedRun.HeldOutName(s.Run.HeldOut),
            seed = s.Run.Seed,
            description = s.Config.Description,
            waitsFor = context.Plan.ParentsOf(s.Run).Select(p => p.Id).ToList(),
            epochs = s.Config.Epochs,
            steps = s.Steps,
            device = s.Device,
            state = s.Standing.ToString(),
            epochsDone = s.EpochsDone,
            folder = s.Folder,
            note = s.Note,
            train = context.Line.Arguments(s.Run),
        }).ToList(),
    };
}
