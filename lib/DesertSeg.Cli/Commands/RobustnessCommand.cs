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
            Description = "Source (as trained), AdaBn (BatchNorm statistics of each corrupted set), " +
                          "Tent (online on each corrupted set, reset between sets) or TentContinual (online over every set in sequence, never reset).",
            DefaultValueFactory = _ => AdaptationAtTest.Source,
        };
        var limit = new Option<int?>("--limit")
        {
            Description = "Corrupt and score at most this many images of the split (evenly spaced).",
        };
        var batchSize = new Option<int>("--batch-size")
        {
            Description = "Images per batch; for Tent the stream's batch size (below the set's size, or no update reaches a scored image).",
            DefaultValueFactory = _ => 8,
        };
        var corruptAt = new Option<string>("--corrupt-at")
        {
            Description = "camera: corrupt at the images' own resolution (the lab's tables); input: resize to the model's input size first " +
                          "(area), then corrupt, as ImageNet-C corrupts at the size the model reads.",
            DefaultValueFactory = _ => "camera",
        };
        corruptAt.AcceptOnlyFromAmong("camera", "input");
        var outDir = new Option<string?>("--out") { Description = "Write the table as Markdown and CSV to this folder." };
        var device = DeviceOptions.Device();
        var command = new Command("robustness",
            "Score a model on the corruption suite after Hendrycks and Dietterich " +
            "(15 corruptions x 5 severities of a split, made once and cached).")
        {
            checkpoint, data, split, corruptions, severities, method, batchSize, corruptAt, limit, outDir, device,
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
            if (r.GetValue(batchSize) < 1) throw new ArgumentException($"--batch-size must be at least 1, got {r.GetValue(batchSize)}.");
            (int, int)? at = null;
            if (r.GetValue(corruptAt) == "input")
            {
                var source = Lab.Inference.ModelSource.Resolve(model);
                at = (source.Width, source.Height);
            }
            var result = RobustnessSuite.Score(model, scored, r.GetValue(method), chosen, levels,
                device: DeviceOptions.Resolve(r.GetValue(device)), batchSize: r.GetValue(batchSize), log: line => AnsiConsole.WriteLine(line),
                corruptAt: at);
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
