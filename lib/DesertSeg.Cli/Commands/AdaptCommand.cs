using System.CommandLine;
using DesertSeg.Lab.Adaptation;
using DesertSeg.Lab.Data;
using Spectre.Console;

namespace DesertSeg.Cli.Commands;

/// <summary><c>desertseg adapt</c>: test-time domain adaptation of a trained checkpoint (AdaBN, TENT) into a new checkpoint.</summary>
public static class AdaptCommand
{
    public static Command Create()
    {
        var method = new Option<string>("--method")
        {
            Description = $"Test-time method: {string.Join(", ", TestTimeMethod.All.Select(m => m.Name))}. " +
                          $"(Training-time methods are runs: train --phase {string.Join("|", Lab.Training.PhaseCatalog.AdaptationRuns)}.)",
            Required = true
        };
        var checkpoint = new Option<string>("--checkpoint")
        {
            Description = "The model to adapt: a run folder (its best checkpoint) or a checkpoint file.",
            Required = true
        };
        var target = new TargetOptions();
        var data = new Option<string?>("--data")
        {
            Description = "The data set whose test split the adapted model will be scored on " +
                          "(checked for overlap with the target images). Default: the embedded one."
        };
        var outFile = new Option<string>("--out")
        {
            Description = "The adapted checkpoint (.safetensors); predict, eval --checkpoint and bench take it as it is.",
            Required = true
        };
        var device = DeviceOptions.Device();
        var command = new Command("adapt",
            "Adapt a trained model to unlabelled target-domain images (AdaBN: BatchNorm statistics; TENT: entropy minimisation of " +
            "BatchNorm's affine parameters) and write the adapted checkpoint.")
        {
            method, checkpoint, target.Folder, target.Transductive, data, outFile, device,
        };
        command.SetAction(r => CommandGuard.Run(() =>
        {
            string output = Path.GetFullPath(r.GetValue(outFile)!);
            if (!output.EndsWith(".safetensors", StringComparison.OrdinalIgnoreCase))
                throw new ArgumentException($"{output}: the adapted checkpoint is written as safetensors; name it *.safetensors.");
            string checkpointPath = r.GetValue(checkpoint)!;
            if (!File.Exists(checkpointPath) && !Directory.Exists(checkpointPath))
                throw new DataFormatException(Path.GetFullPath(checkpointPath), "checkpoint not found.");
            var adaptation = TestTimeMethod.ByName(r.GetValue(method)!);
            var dataset = FalconDataset.Open(r.GetValue(data) ?? EmbeddedData.Ensure());
            bool transductive = r.GetValue(target.Transductive);
            var images = TargetDomain.Open(dataset, r.GetValue(target.Folder), transductive);
            if (transductive)
                AnsiConsole.MarkupLine("[yellow]TRANSDUCTIVE: the target images may include the scored images; the checkpoint says so.[/]");
            var (label, record) = TestTimeAdaptation.Adapt(checkpointPath, adaptation, images, output,
                DeviceOptions.Resolve(r.GetValue(device)), transductive);
            AnsiConsole.MarkupLineInterpolated(
                $"{label}. Adapted checkpoint ({record.Encoder}, {record.Scheme}, input {
                    record.Height}x{record.Width}): [bold]{output}[/]");
            return CommandGuard.Ok;
        }));
        return command;
    }
}
