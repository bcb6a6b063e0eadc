using System.CommandLine;
using DesertSeg.Lab.Adaptation;
using DesertSeg.Lab.Data;
using DesertSeg.Lab.Estimation;
using DesertSeg.Lab.Inference;
using DesertSeg.Lab.Reporting;
using Spectre.Console;

namespace DesertSeg.Cli.Commands;

/// <summary><c>desertseg estimate</c>: how good a model is on unlabelled target images, without their labels.</summary>
public static class EstimateCommand
{
    public static Command Create()
    {
        var checkpoint = new Option<string>("--checkpoint")
        {
            Description = "The model: a run folder (its best checkpoint) or a checkpoint file.",
            Required = true,
        };
        var target = new Option<string>("--target")
        {
            Description = "Unlabelled target images (JPEG or PNG, any size; a folder of images or one holding Color_Images).",
            Required = true,
        };
        var method = new Option<string?>("--method")
        {
            Description = $"One estimator ({string.Join(", ", LabelFreeEstimators.Names)}); default: all, " +
                          $"the last line giving {LabelFreeEstimators.Default}.",
        };
        var data = new Option<string?>("--data")
        {
            Description = "Data set whose labelled val split calibrates the estimators (Falcon layout). " +
                          "Default: the embedded synthetic data set.",
        };
        var outDir = new Option<string?>("--out") { Description = "Write estimate.json and estimate.csv to this folder." };
        var device = DeviceOptions.Device();
        var command = new Command("estimate",
            "Estimate a model's mIoU and per-class IoU on unlabelled target images (calibrated on labelled validation only), " +
            "with a 95% bootstrap interval over images. Classes count in the mean as in eval: those present in the truth " +
            "(here: expected share >= 0.1%) or in the prediction.")
        {
            checkpoint, target, method, data, outDir, device,
        };
        command.SetAction(r => CommandGuard.Run(() =>
        {
            string model = r.GetValue(checkpoint)!;
            if (!File.Exists(model) && !Directory.Exists(model))
                throw new DataFormatException(Path.GetFullPath(model), "checkpoint not found.");
            var images = TargetImages.Open(r.GetValue(target)!);
            var estimators = r.GetValue(method) is { } name ? [LabelFreeEstimators.ByName(name).Name] : LabelFreeEstimators.Names;
            var dataset = FalconDataset.Open(r.GetValue(data) ?? EmbeddedData.Ensure());
            using var predictor = Predictor.Load(model, device: DeviceOptions.Resolve(r.GetValue(device)));
            var estimate = TargetEstimation.Run(predictor, dataset[FalconLayout.Val], images, estimators);
            AnsiConsole.WriteLine($"{predictor}; calibrated on {dataset.Root} val (mIoU {estimate.ValidationMeanIoU:F4}, " +
                $"temperature {estimate.Temperature:F3}); {estimate.Images} target images in {images.Folder}");
            AnsiConsole.WriteLine(TableExport.ToMarkdown(estimate.PredictionTable(), "What the model predicts there"));
            AnsiConsole.WriteLine(TableExport.ToMarkdown(estimate.ToTable(), "Estimated IoU"));
            if (r.GetValue(outDir) is { } folder) estimate.Save(folder);
            string shown = estimators.Contains(LabelFreeEstimators.Default) ? LabelFreeEstimators.Default : estimators[0];
            if (estimate.Of(shown).IntervalMeaning is { } meaning) AnsiConsole.WriteLine(meaning);
            AnsiConsole.WriteLine(estimate.Of(shown).ToString());
            return CommandGuard.Ok;
        }));
        return command;
    }
}
