using System.CommandLine;
using DesertSeg.Lab.Data.Synthetic;
using Spectre.Console;

namespace DesertSeg.Cli.Commands;

/// <summary><c>desertseg synth</c>: writes a synthetic desert data set in the Falcon layout.</summary>
public static class SynthCommand
{
    public static Command Create()
    {
        var defaults = SyntheticDatasetSpec.Default;
        var outDir = new Option<string?>("--out") { Description = $"Folder to write (default: {EmbeddedDataset.DefaultRoot})." };
        var train = new Option<int>("--train")
        {
            Description = "Training images (training environment).",
            DefaultValueFactory = _ => defaults.TrainCount
        };
        var val = new Option<int>("--val")
        {
            Description = "Validation images (training environment).",
            DefaultValueFactory = _ => defaults.ValCount
        };
        var test = new Option<int>("--test")
        {
            Description = "Test images (test environment).",
            DefaultValueFactory = _ => defaults.TestCount
        };
        var target = new Option<int>("--target")
        {
            Description = "Unlabelled target-domain images (test environment, other scenes) for domain adaptation.",
            DefaultValueFactory = _ => defaults.TargetCount
        };
        var oracle = new Option<int>("--oracle")
        {
            Description = "Labelled target-domain images (test environment, other scenes), used only to train the oracle.",
            DefaultValueFactory = _ => defaults.OracleCount
        };
        var oracleVal = new Option<int>("--oracle-val")
        {
            Description = "Other labelled target-domain images, on which the oracle's epoch is selected.",
            DefaultValueFactory = _ => defaults.OracleValCount,
        };
        var environments = new Option<int>("--environments")
        {
            Description = "Training deserts the train/val scenes come from in turn (1: the training desert; " +
                          "K > 1 adds K-1 randomised ones, for multi-environment training).",
            DefaultValueFactory = _ => 1
        };
        var seed = new Option<int>("--seed")
        {
            Description = "Seed: the same seed writes the same files.",
            DefaultValueFactory = _ => defaults.Seed
        };
        var holdOut = new Option<HeldOutFactors[]>("--hold-out")
        {
            Description = "Factors of the test desert the randomised training deserts never show: " +
                          "TestRockStyle, TestPalette (comma-separated or repeated).",
            AllowMultipleArgumentsPerToken = true,
            CustomParser = ParseHeldOut,
        };
        var command = new Command("synth",
            "Generate synthetic desert scenes in the exact Falcon format (960x540 PNG + 16-bit raw masks), training and test environments.")
        {
            outDir, train, val, test, target, oracle, oracleVal, environments, holdOut, seed,
        };
        command.SetAction(r => CommandGuard.Run(() =>
        {
            var spec = defaults with { TrainCount = r.GetValue(train), ValCount = r.GetValue(val), TestCount = r.GetValue(test),
                TargetCount = r.GetValue(target), OracleCount = r.GetValue(oracle), OracleValCount = r.GetValue(oracleVal),
                Environments = r.GetValue(environments), Seed = r.GetValue(seed),
                HeldOut = (r.GetValue(holdOut) ?? []).Aggregate(HeldOutFactors.None, (all, f) => all | f) };
            spec.Validate();
            if (spec.TotalCount == 0) throw new ArgumentException("--train, --val and --test are all 0: nothing to generate.");
            string root = Path.GetFullPath(r.GetValue(outDir) ?? EmbeddedDataset.DefaultRoot);
            var clock = System.Diagnostics.Stopwatch.StartNew();
            ConsoleProgress.Run($"Generating {spec.TotalCount} scenes", spec.TotalCount,
                progress => SyntheticFalconWriter.Write(root, spec, progress));
            AnsiConsole.MarkupLineInterpolated(
                $"Wrote {spec.TrainCount} train, {spec.ValCount} val, {spec.TestCount} test, {spec.TargetCount} unlabelled target, {
                    spec.OracleCount} oracle and {spec.OracleValCount} oracle-val scenes (seed {spec.Seed}) to [bold]{root}[/] in {
                        clock.Elapsed.TotalSeconds:F1} s.");
            return CommandGuard.Ok;
        }));
        return command;
    }

    /// <summary>"TestRockStyle,TestPalette" (any case, comma-separated or repeated) as factors; unknown names are parse errors.</summary>
    private static HeldOutFactors[] ParseHeldOut(System.CommandLine.Parsing.ArgumentResult a)
    {
        var factors = new List<HeldOutFactors>();
        var names = a.Tokens.SelectMany(t => t.Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        foreach (var v in names)
        {
            if (Enum.TryParse<HeldOutFactors>(v, ignoreCase: true, out var f) && f != HeldOutFactors.None) factors.Add(f);
            else a.AddError($"--hold-out: unknown factor '{v}'. Factors: TestRockStyle, TestPalette.");
        }
        return factors.ToArray();
    }
}
