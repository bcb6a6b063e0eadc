using System.CommandLine;
using DesertSeg.Lab.Checkpoints.Pretrained;
using Spectre.Console;

namespace DesertSeg.Cli.Commands;

/// <summary><c>desertseg weights</c>: the ImageNet encoders and where their weights come from; writes the
/// built-in resnet18-imagenet as a torchvision-named state dict.</summary>
public static class WeightsCommand
{
    public static Command Create()
    {
        var encoder = new Option<string?>("--encoder")
        {
            Description = $"Encoder whose weights to write or locate ({string.Join(", ", PretrainedEncoders.All.Select(e => e.Name))})."
        };
        var output = new Option<string?>("--out")
        {
            Description = "Write the encoder's weights here as a torchvision-named .safetensors state dict (for --encoder-weights)."
        };
        var command = new Command("weights",
            "List the ImageNet encoders and where their weights come from; with --encoder and --out, " +
            "write the built-in resnet18-imagenet weights " +
            "(converted from the ONNX model in NuGet Microsoft.ML.DnnImageFeaturizer.ResNet18).")
        {
            encoder, output,
        };
        command.SetAction(r => CommandGuard.Run(() =>
        {
            string? name = r.GetValue(encoder);
            string? path = r.GetValue(output);
            if (name is null)
            {
                if (path is not null) throw new ArgumentException("--out needs --encoder (e.g. --encoder resnet18-imagenet).");
                List();
                return CommandGuard.Ok;
            }
            var entry = PretrainedEncoders.Get(name);
            if (path is null)
            {
                string cached = PretrainedEncoders.WeightsFile(entry.Name);
                AnsiConsole.MarkupLineInterpolated($"{entry.Name}: [bold]{cached}[/]");
                return CommandGuard.Ok;
            }
            string full = Path.GetFullPath(path);
            PretrainedEncoders.Convert(entry.Name, full);
            AnsiConsole.MarkupLineInterpolated(
                $"Wrote {entry.Name} (torchvision names, for --encoder-weights with encoder '{entry.Architecture}') to [bold]{full}[/].");
            return CommandGuard.Ok;
        }));
        return command;
    }

    private static void List()
    {
        var table = new Table().Title("ImageNet encoders")
            .AddColumn("Encoder").AddColumn("Model encoder").AddColumn("Weights from").AddColumn("Description");
        foreach (var e in PretrainedEncoders.All)
        {
            string source = e.Source;
            if (PretrainedEncoders.IsBuiltIn(e.Name))
            {
                string onnx = PretrainedEncoders.ResNet18OnnxFile;
                source += File.Exists(onnx) ? $"\n{onnx}" : $"\nmissing: {onnx} (run dotnet build)";
            }
            table.AddRow(Markup.Escape(e.Name), Markup.Escape(e.Architecture), Markup.Escape(source), Markup.Escape(e.Description));
        }
        AnsiConsole.Write(table);
        AnsiConsole.MarkupLine("torchvision files go to [bold]train --encoder-weights FILE[/]; " +
                               "[bold]weights --encoder resnet18-imagenet --out FILE.safetensors[/] writes the built-in one " +
                               "(load it with LoadEncoderFromTorchvision into a resnet18-imagenet model).");
    }
}
