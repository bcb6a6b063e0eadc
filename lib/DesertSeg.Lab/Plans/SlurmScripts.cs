using System.Globalization;
using System.Text;
using DesertSeg.Lab.IO;

namespace DesertSeg.Lab.Plans;

/// <summary>What a Slurm job of the plan asks for, from the run's scale and cost.</summary>
/// <param name="SecondsPerStep">A generous time per optimizer step (validation included), for the job's time limit:
/// full scale 0.6 s (the report's Phase 5 took 3.5 h for 42,900 steps on a laptop RTX 5050, 0.29 s, doubled); quick
/// 4 s (1.2 s measured on one 2-core CPU, with room for slower cores); smoke a flat limit.</param>
public sealed record SlurmResources(int CpusPerTask, int MemoryGb, int Gpus, double SecondsPerStep, TimeSpan Margin)
{
    public static SlurmResources For(string scale) => scale switch
    {
        "full" => new(8, 32, 1, 0.6, TimeSpan.FromMinutes(30)),
        "quick" => new(2, 6, 0, 4.0, TimeSpan.FromMinutes(10)),
        _ => new(1, 3, 0, 0, TimeSpan.FromMinutes(15)),
    };

    /// <summary>The job's time limit for a training of <paramref name="steps"/> steps, as Slurm writes it (D-HH:MM:SS).</summary>
    public string TimeLimit(long steps)
    {
        var limit = TimeSpan.FromSeconds(steps * SecondsPerStep) + Margin;
        return $"{(int)limit.TotalDays}-{limit.Hours:D2}:{limit.Minutes:D2}:{limit.Seconds:D2}";
    }
}

/// <summary>Where and as whom the jobs run: the cluster's own names, all optional.</summary>
/// <param name="ExtraArguments">More sbatch options given to every submission (they override the scripts' own lines).</param>
public sealed record SlurmOptions(string? Partition = null, string? Account = null, IReadOnlyList<string>? ExtraArguments = null);

/// <summary>
/// The plan as Slurm jobs: one script per run (<c>jobs/ID.sbatch</c>, the very <c>desertseg train</c> line the local
/// executor runs, with its resources and a log per run in <c>logs/</c>) and <c>submit.sh</c>, which submits them in
/// dependency order, each with <c>--dependency=afterok:</c> on the jobs of the runs it starts from. Runs already finished
/// in the shared runs folder are left out: writing the scripts again after a failure and submitting them resumes the
/// plan (interrupted runs continue from their last complete epoch).
/// </summary>
public static class SlurmScripts
{
    /// <summary>Writes the scripts into <paramref name="folder"/>; returns the path of submit.sh.</summary>
    /// <param name="program">How a node starts the workspace's command line, e.g. <c>dotnet /shared/desertseg/desertseg.dll</c>
    /// (the scripts let <c>DESERTSEG</c> in the job's environment override it).</param>
    public static string Write(ExperimentPlan plan, IReadOnlyList<PlannedRunState> states, TrainCommandLine line, string program,
        SlurmOptions options, string folder)
    {
        folder = Path.GetFullPath(folder);
        string jobs = Path.Combine(folder, "jobs"), logs = Path.Combine(folder, "logs");
        Directory.CreateDirectory(jobs);
        Directory.CreateDirectory(logs);
        var resources = SlurmResources.For(plan.Scale);
        var finished = states.Where(s => s.Standing == RunStanding.Finished).Select(s => s.Run).ToHashSet();
        var toRun = plan.Runs.Where(r => !finished.Contains(r)).ToList();

        var submit = new StringBuilder()
            .AppendLine("#!/usr/bin/env bash")
            .AppendLine($"# The plan at scale {plan.Scale}: {toRun.Count} run(s) to train, {finished.Count} already finished in {line.Runs}.")
            .AppendLine("# Written by 'desertseg plan --format slurm'. Run it on a login node: bash submit.sh")
            .AppendLine("# Each job starts after the jobs of the runs it starts from (afterok); a failed job cancels those waiting")
            .AppendLine("# for it. After a failure, write the scripts again (finished runs are left out) and submit again.")
            .AppendLine("set -euo pipefail")
            .AppendLine("cd \"$(dirname \"$0\")\"")
            .AppendLine("command -v sbatch >/dev/null || { echo \"submit.sh: no sbatch on this machine's PATH: run it on the cluster's login node\" >&2; exit 1; }")
            .AppendLine($"submit() {{ local id; id=$(sbatch --parsable --kill-on-invalid-dep=yes {string.Join(" ",
                (options.ExtraArguments ?? []).Select(TrainCommandLine.ShellQuote))} \"$@\"); echo \"${{id%%;*}}\"; }}")
            .AppendLine(": > submitted.txt");
        var variables = new Dictionary<PlannedRun, string>();
        foreach (var run in toRun)
        {
            var state = states.Single(s => s.Run == run);
            string script = Path.Combine(jobs, run.Id + ".sbatch");
            AtomicFile.WriteAllText(script, JobScript(run, state, line, program, resources, options, logs));
            string variable = "job_" + variables.Count;
            variables[run] = variable;
            var after = plan.ParentsOf(run).Where(variables.ContainsKey).Select(p => "$" + variables[p]).ToList();
            string dependency = after.Count == 0 ? "" : $"--dependency=afterok:{string.Join(":", after)} ";
            submit.AppendLine($"{variable}=$(submit {dependency}jobs/{run.Id}.sbatch)")
                .AppendLine($"echo \"${variable} {run.Id}\" | tee -a submitted.txt");
        }
        submit.AppendLine($"echo \"submitted {toRun.Count} job(s); logs in {logs}; then: desertseg reproduce --scale {plan.Scale} --runs {line.Runs}\"");
        string submitFile = Path.Combine(folder, "submit.sh");
        AtomicFile.WriteAllText(submitFile, submit.ToString());
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(submitFile, (UnixFileMode)0b111_101_101);
            foreach (var file in Directory.EnumerateFiles(jobs, "*.sbatch")) File.SetUnixFileMode(file, (UnixFileMode)0b111_101_101);
        }
        return submitFile;
    }

    private static string JobScript(PlannedRun run, PlannedRunState state, TrainCommandLine line, string program, SlurmResources resources,
        SlurmOptions options, string logs)
    {
        var script = new StringBuilder()
            .AppendLine("#!/usr/bin/env bash")
            .AppendLine($"#SBATCH --job-name=desertseg-{run.Id}")
            .AppendLine($"#SBATCH --output={logs}/{run.Id}-%j.log")
            .AppendLine($"#SBATCH --cpus-per-task={resources.CpusPerTask}")
            .AppendLine($"#SBATCH --mem={resources.MemoryGb}G")
            .AppendLine($"#SBATCH --time={resources.TimeLimit(state.Steps)}");
        if (resources.Gpus > 0) script.AppendLine($"#SBATCH --gres=gpu:{resources.Gpus}");
        if (options.Partition is { } partition) script.AppendLine($"#SBATCH --partition={partition}");
        if (options.Account is { } account) script.AppendLine($"#SBATCH --account={account}");
        var arguments = line.Arguments(run, threads: resources.CpusPerTask, device: resources.Gpus > 0 ? "cuda" : "cpu");
        return script
            .AppendLine($"# {run}: {state.Config.Description}; {state.Steps} optimizer steps on {state.Device}.")
            .AppendLine("set -uo pipefail")
            .AppendLine("export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1")
            .AppendLine("# A run that fails names this log in its folder (failed-job.txt).")
            .AppendLine($"export DESERTSEG_JOB_LOG=\"{logs}/{run.Id}-${{SLURM_JOB_ID:-local}}.log\"")
            .AppendLine($"DESERTSEG=${{DESERTSEG:-{TrainCommandLine.ShellQuote(program)}}}")
            .AppendLine($"exec $DESERTSEG {string.Join(" ", arguments.Select(TrainCommandLine.ShellQuote))}")
            .ToString();
    }
}
