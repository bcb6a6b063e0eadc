using System.CommandLine;
using DesertSeg.Lab.Data;
using DesertSeg.Lab.Evaluation.Corruptions;
using DesertSeg.Lab.Evaluation.Robustness;
using DesertSeg.Lab.Reporting;
using Spectre.Console;

namespace DesertSeg.Cli.Commands;

/// <summary><c>desertseg robustness</c>: a model on the corruption suite (val-C): mIoU per corruption and severity, and the mean.</summary>
public static class RobustnessCommand
{
    public static Command Create()
    {
        var checkpoint = new Option<string>("--checkpoint")
        {
            Description = "The model: a run folder (its best checkpoint) or a checkpoint file (an adapted one too).",
            Required = true,
        };
        var data = new Option<string?>("--data")
        {
            Description = "Data set folder (Falcon layout). Default: the embedded synthetic data set.",
        };
        var split = new Option<string>("--split") { Description = "The split to corrupt.", DefaultValueFactory = _ => FalconLayout.Val };
        var corruptions = new Option<string?>("--corruptions")
        {
            Description = $"Comma-separated corruptions (default: all 15): {string.Join(", ", Corruptions.All.Select(c => c.Name))}.",
        };
        var severities = new Option<string>("--severities")
        {
            Description = "Comma-separated severities 1..5.",
            DefaultValueFactory = _ => "1,2,3,4,5",
        };
        var method = new Option<AdaptationAtTest>("--method")
        {
            Description = "Source (as trained), AdaBn (BatchNorm statistics of each corrupted set) " +
                          "or Tent (online on each corrupted stream).",
            DefaultValueFactory = _ => AdaptationAtTest.Source,
        };
        var limit = new Option<int?>("--limit")
        {
            Description = "Corrupt and score at most this many images of the split (evenly spaced).",
        };
        var outDir = new Option<string?>("--out") { Description = "Write the table as Markdown and CSV to this folder." };
        var device = DeviceOptions.Device();
        var command = new Command("robustness",
            "Score a model on the corruption suite after Hendrycks and Dietterich " +
            "(15 corruptions x 5 severities of a split, made once and cached).")
        {
            checkpoint, data, split, corruptions, severities, method, limit, outDir, device,
        };
        command.SetAction(r => CommandGuard.Run(() =>
        {
            string model = r.GetValue(checkpoint)!;
            if (!File.Exists(model) && !Directory.Exists(model))
                throw new DataFormatException(Path.GetFullPath(model), "checkpoint not found.");
            var chosen = r.GetValue(corruptions) is { } names
                ? names.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                    .Select(Corruptions.ByName).ToList()
                : Corruptions.All.ToList();
            var levels = ParseSeverities(r.GetValue(severities)!);
            var dataset = FalconDataset.Open(r.GetValue(data) ?? EmbeddedData.Ensure());
            var scored = dataset[r.GetValue(split)!].RequireComplete().Subset(r.GetValue(limit));
            var result = RobustnessSuite.Score(model, scored, r.GetValue(method), chosen, levels,
                device: DeviceOptions.Resolve(r.GetValue(device)), log: line => AnsiConsole.WriteLine(line));
            var table = result.Table();
            AnsiConsole.WriteLine(TableExport.ToMarkdown(table));
            if (r.GetValue(outDir) is { } folder)
            {
                TableExport.SaveCsv(table, Path.Combine(folder, "robustness.csv"));
                TableExport.SaveMarkdown(table, Path.Combine(folder, "robustness.md"),
                    $"{scored.Name}-C, {result.Method}: mIoU per corruption and severity ({model})");
            }
            AnsiConsole.WriteLine($"mean mIoU over {chosen.Count} corruptions x {levels.Count} severities: {result.MeanIoU:F4} " +
                $"(clean {result.CleanMeanIoU:F4}, {result.Method})");
            return CommandGuard.Ok;
        }));
        return command;
    }

    private static List<int> ParseSeverities(string text)
    {
        var levels = new List<int>();
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            levels.Add(int.TryParse(part, out int s) && s is >= 1 and <= 5
                ? s
                : throw new ArgumentException($"--severities: '{part}' is not a severity from 1 to 5."));
        return levels.Count > 0 ? levels : throw new ArgumentException("--severities names no severity.");
    }
}
