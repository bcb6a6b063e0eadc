using System.CommandLine;
using DesertSeg.Lab.Data;
using DesertSeg.Lab.Evaluation;
using DesertSeg.Lab.Inference;
using DesertSeg.Lab.Reporting;
using Spectre.Console;

namespace DesertSeg.Cli.Commands;

/// <summary><c>desertseg eval</c>: scores a folder of predictions, or a model on data set splits.</summary>
public static class EvalCommand
{
    public static Command Create()
    {
        var model = new InferenceArguments();
        var pred = new Option<string?>("--pred")
        {
            Description = "Folder of predicted masks (16-bit PNGs of raw class values), paired with --gt by file name."
        };
        var gt = new Option<string?>("--gt") { Description = "Folder of ground-truth masks (or a split folder holding Segmentation/)." };
        var scheme = new Option<string>("--scheme")
        {
            Description = "Class space for --pred: 10-class (every raw value its own class) or 7-class " +
                          "(Ground Clutter, Flowers and Logs truth ignored, as the original's Phase-5 evaluation).",
            DefaultValueFactory = _ => "10-class",
        };
        var data = new Option<string?>("--data")
        {
            Description = "Data set for --checkpoint (Falcon layout). Default: the embedded synthetic data set."
        };
        var split = new Option<string>("--split")
        {
            Description = "Split(s) to score, comma-separated; 'val,test' adds Table 7 (val vs test).",
            DefaultValueFactory = _ => "test"
        };
        var protocol = new Option<string>("--protocol")
        {
            Description = "native: at each image's resolution, logits upsampled before argmax (default); " +
                          "input-size: the original's, at the model's input size against nearest-resized masks.",
            DefaultValueFactory = _ => "native",
        };
        var limit = new Option<int?>("--limit") { Description = "Score at most N images per split (evenly spaced)." };
        var batchSize = new Option<int>("--batch-size")
        {
            Description = "Images per forward pass (scores do not depend on it).",
            DefaultValueFactory = _ => 4
        };
        var outDir = new Option<string?>("--out")
        {
            Description = "Write tables (CSV, Markdown), charts (HTML) and worst/best galleries here."
        };
        var worst = new Option<int>("--worst")
        {
            Description = "Images in the worst-k gallery (Figure 8) with --out.",
            DefaultValueFactory = _ => 4
        };
        var best = new Option<int>("--best")
        {
            Description = "Images in the best-k gallery (Figure 9) with --out.",
            DefaultValueFactory = _ => 4
        };
        var command = new Command("eval",
            "Score predictions: --pred DIR --gt DIR scores a folder of raw-valued masks; " +
            "--checkpoint C [--data DIR] [--split test] scores a model. " +
            "Confusion over the whole split, per-class IoU, mIoU (classes with pixels), pixel accuracy, precision, recall.");
        foreach (var o in model.All) command.Options.Add(o);
        foreach (var o in new Option[] { pred, gt, scheme, data, split, protocol, limit, batchSize, outDir, worst, best })
            command.Options.Add(o);
        command.SetAction(r => CommandGuard.Run(() =>
        {
            string? output = r.GetValue(outDir);
            if (r.GetValue(pred) is { } predictions)
            {
                if (r.GetValue(gt) is not { } truth)
                    throw new ArgumentException("--pred needs --gt (the ground-truth masks to score against).");
                if (r.GetValue(model.Checkpoint) is not null)
                    throw new ArgumentException("Give either --pred/--gt or --checkpoint, not both.");
                var classScheme = ClassScheme.ByName(r.GetValue(scheme)!);
                int count = Directory.Exists(truth)
                    ? Directory.EnumerateFiles(
                        Directory.Exists(Path.Combine(truth, FalconLayout.Masks)) ? Path.Combine(truth, FalconLayout.Masks) : truth,
                        "*.png").Count()
                    : 0;
                var score = ConsoleProgress.Run("Scoring prediction files", count,
                    p => PredictionFolderScorer.Score(predictions, truth, classScheme, p));
                EvalConsole.Print(score);
                if (output is not null) Write(score, output, FailureAnalysis.Gallery(FailureAnalysis.Worst(score, r.GetValue(worst))),
                    FailureAnalysis.Gallery(FailureAnalysis.Best(score, r.GetValue(best))));
                return CommandGuard.Ok;
            }
            if (r.GetValue(model.Checkpoint) is null)
                throw new ArgumentException("Nothing to score: give --pred DIR --gt DIR, or --checkpoint C (with --data and --split).");
            var dataset = FalconDataset.Open(r.GetValue(data) ?? EmbeddedData.Ensure());
            var splits = r.GetValue(split)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(s => dataset[s]).ToList();
            using var predictor = model.LoadPredictor(r);
            var scoringProtocol = ScoringProtocols.Parse(r.GetValue(protocol)!);
            var tta = model.Augmentation(r);
            var scores = new List<(SplitScore Score, ScoringOptions Options)>();
            foreach (var s in splits)
            {
                var options = new ScoringOptions(scoringProtocol, new PredictionOptions(tta, model.Suppression(r, s, predictor)),
                    r.GetValue(limit), r.GetValue(batchSize));
                int n = Math.Min(s.Count, options.Limit ?? int.MaxValue);
                var score = ConsoleProgress.Run($"Scoring '{s.Name}' ({scoringProtocol.Describe()})", n,
                    p => SplitScorer.Score(predictor, s, options, p));
                EvalConsole.Print(score);
                scores.Add((score, options));
                if (output is not null)
                    Write(score, output,
                        FailureAnalysis.Gallery(FailureAnalysis.Worst(score, r.GetValue(worst)), predictor, options.Prediction),
                        FailureAnalysis.Gallery(FailureAnalysis.Best(score, r.GetValue(best)), predictor, options.Prediction));
            }
            if (predictor.Precision == InferencePrecision.Bf16)
            {
                using var fp32 = model.LoadPredictor(r, InferencePrecision.Fp32);
                for (int i = 0; i < splits.Count; i++)
                    AnsiConsole.WriteLine(PrecisionComparison.Compare(scores[i].Score, fp32, splits[i], scores[i].Options).ToString());
            }
            var val = scores.Select(s => s.Score).FirstOrDefault(s => s.Split == FalconLayout.Val);
            var test = scores.Select(s => s.Score).FirstOrDefault(s => s.Split == FalconLayout.Test);
            if (val is not null && test is not null)
            {
                EvalConsole.PrintValTest(val, test);
                if (output is not null) EvaluationExport.WriteValTest(val, test, output);
            }
            return CommandGuard.Ok;
        }));
        return command;
    }

    private static void Write(SplitScore score, string folder, IReadOnlyList<GalleryItem> worst, IReadOnlyList<GalleryItem> best)
    {
        var written = EvaluationExport.Write(score, folder).ToList();
        written.AddRange(EvaluationExport.WriteGallery($"Figure 8: worst {worst.Count} images — {score.Label}", worst, folder,
            $"{score.Split}-worst"));
        written.AddRange(EvaluationExport.WriteGallery($"Figure 9: best {best.Count} images — {score.Label}", best, folder,
            $"{score.Split}-best"));
        AnsiConsole.MarkupLineInterpolated($"Wrote {written.Count} files to [bold]{Path.GetFullPath(folder)}[/]");
    }
}
