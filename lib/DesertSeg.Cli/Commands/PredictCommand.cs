using System.CommandLine;
using DesertSeg.Lab.Data;
using DesertSeg.Lab.Inference;
using Spectre.Console;

namespace DesertSeg.Cli.Commands;

/// <summary><c>desertseg predict</c>: predictions in the ground-truth format, colour masks, overlays and comparisons.</summary>
public static class PredictCommand
{
    public static Command Create()
    {
        var model = new InferenceArguments();
        model.Checkpoint.Required = true;
        var input = new Option<string>("--input")
        {
            Description = "Images to predict: a folder of images, a split folder (Color_Images [+ Segmentation]) " +
                          "or a Falcon data set root.",
            Required = true
        };
        var split = new Option<string?>("--split") { Description = "Split of a Falcon data set root (default: test)." };
        var outDir = new Option<string>("--out")
        {
            Description = "Output folder: raw/ (16-bit raw class values), color/, overlay/, compare/ (where truth exists).",
            Required = true
        };
        var command = new Command("predict",
            "Predict every image at its own resolution (logits upsampled before argmax) with a trained checkpoint.");
        foreach (var o in model.All) command.Options.Add(o);
        command.Options.Add(input);
        command.Options.Add(split);
        command.Options.Add(outDir);
        command.SetAction(r => CommandGuard.Run(() =>
        {
            var data = InferenceArguments.PickSplit(FalconDataset.Open(r.GetValue(input)!), r.GetValue(split));
            using var predictor = model.LoadPredictor(r);
            var options = new PredictionOptions(model.Augmentation(r), model.Suppression(r, data, predictor));
            AnsiConsole.MarkupLineInterpolated($"Predicting {data.Count} images of '{data.Name}' ({options}).");
            var run = ConsoleProgress.Run("Predicting", data.Count,
                p => PredictionWriter.Write(predictor, data, r.GetValue(outDir)!, options, p));
            string compare = run.Comparisons > 0
                ? $", compare/ ({run.Comparisons} with ground truth)"
                : " (no ground truth: no comparisons)";
            AnsiConsole.MarkupLineInterpolated(
                $"Wrote {run.Images} predictions ({predictor.Scheme.Name} raw values) to [bold]{
                    run.OutputFolder}[/]: raw/, color/, overlay/{compare}");
            return CommandGuard.Ok;
        }));
        return command;
    }
}
