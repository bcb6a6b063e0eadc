using System.CommandLine;
using DesertSeg.Lab.Data;
using DesertSeg.Lab.Inference;
using Spectre.Console;

namespace DesertSeg.Cli.Commands;

/// <summary>The options predict, eval and bench share: checkpoint, input size, TTA and suppression.</summary>
public sealed class InferenceArguments
{
    public Option<string> Checkpoint { get; } = new("--checkpoint")
    {
        Description = "smp DeepLabV3Plus checkpoint (.safetensors or .pth), or a run folder (its checkpoints/best.safetensors). " +
                      "Inside a run folder the model, class scheme and input size come from its config.json; " +
                      "otherwise from the checkpoint's keys.",
    };
    public Option<string?> Size { get; } = new("--size")
    {
        Description = "Model input size HxW, e.g. 512x896 (default: the run's, or 512x896 for a bare checkpoint)."
    };
    public Option<bool> Tta { get; } = new("--tta")
    {
        Description = "Multi-scale test-time augmentation as the original (scales 0.75,1,1.25, each plain and flipped: 6 passes)."
    };
    public Option<string?> TtaScales { get; } = new("--tta-scales")
    {
        Description = "TTA scales, comma-separated (implies --tta), e.g. 0.75,1,1.25."
    };
    public Option<bool> NoFlip { get; } = new("--no-flip") { Description = "TTA without the horizontal flips." };
    public Option<string?> Suppress { get; } = new("--suppress")
    {
        Description = "Absent-class suppression (the report's 'domain-aware' trick: knowledge of which classes the TARGET data lacks). " +
                      "'absent' takes the classes with no pixel in the input split's masks (an audit); " +
                      "or name them: \"Ground Clutter,Flowers,Logs\".",
    };

    public Option<string> Device { get; } = DeviceOptions.Device();
    public Option<string> Precision { get; } = new("--precision")
    {
        Description = "fp32 (default; TF32 on CUDA) or bf16 (model and input in bfloat16, " +
                      "logits back to float32 before resizing and argmax). " +
                      "eval and bench also measure fp32 and print the difference.",
        DefaultValueFactory = _ => "fp32",
    };

    public IEnumerable<Option> All => [Checkpoint, Size, Tta, TtaScales, NoFlip, Suppress, Device, Precision];

    public InferencePrecision PrecisionOf(ParseResult r) => r.GetValue(Precision)!.Trim().ToLowerInvariant() switch
    {
        "fp32" or "float32" => InferencePrecision.Fp32,
        "bf16" or "bfloat16" => InferencePrecision.Bf16,
        var other => throw new ArgumentException($"Unknown precision '{other}'. Use fp32 or bf16."),
    };

    public (int Height, int Width)? InputSize(ParseResult r) => r.GetValue(Size) is { } text ? ParseSize(text) : null;

    public static (int Height, int Width) ParseSize(string text)
    {
        var parts = text.ToLowerInvariant().Split('x');
        if (parts.Length == 2 && int.TryParse(parts[0], out int h) && int.TryParse(parts[1], out int w)) return (h, w);
        throw new ArgumentException($"Size '{text}' is not HxW (e.g. 512x896).");
    }

    public TestTimeAugmentation Augmentation(ParseResult r)
    {
        var scales = r.GetValue(TtaScales) is { } text ? TestTimeAugmentation.ParseScales(text) : null;
        if (scales is null && !r.GetValue(Tta)) return TestTimeAugmentation.None;
        var tta = new TestTimeAugmentation(scales ?? TestTimeAugmentation.Original.Scales, !r.GetValue(NoFlip));
        tta.Validate();
        return tta;
    }

    /// <summary>The suppression for <paramref name="split"/>; "absent" audits its masks.</summary>
    public AbsentClassSuppression Suppression(ParseResult r, DataSplit split, Predictor predictor)
    {
        string? text = r.GetValue(Suppress);
        if (string.IsNullOrWhiteSpace(text)) return AbsentClassSuppression.None;
        AbsentClassSuppression suppression;
        if (text.Trim().Equals("absent", StringComparison.OrdinalIgnoreCase))
        {
            if (!split.HasMasks)
                throw new ArgumentException(
                    $"--suppress absent needs ground-truth masks in split '{split.Name}' ({split.ImageFolder}) " +
                    "to find the absent classes; " +
                    "name them instead, e.g. --suppress \"Ground Clutter,Flowers,Logs\".");
            suppression = AbsentClassSuppression.FromSplit(split);
        }
        else
        {
            suppression = AbsentClassSuppression.Parse(text);
        }
        var skipped = suppression.ClassNames.Where(n => predictor.Scheme.IndexOf(n) < 0).ToList();
        string suppressed = string.Join(", ", suppression.ClassNames.Except(skipped).DefaultIfEmpty("nothing"));
        string notInScheme = skipped.Count > 0
            ? $" Not in the {predictor.Scheme.Name} scheme, nothing to suppress: {string.Join(", ", skipped)}."
            : "";
        AnsiConsole.MarkupLineInterpolated(
            $"[yellow]Suppressing {suppressed}[/] ({suppression.Origin}): domain-aware inference, it uses knowledge of the target split.{
                notInScheme}");
        return suppression;
    }

    /// <param name="precision">Overrides --precision (eval and bench load an fp32 twin to compare with).</param>
    public Predictor LoadPredictor(ParseResult r, InferencePrecision? precision = null)
    {
        string checkpoint = r.GetValue(Checkpoint) ?? throw new ArgumentException("--checkpoint is required.");
        var device = DeviceOptions.Resolve(r.GetValue(Device));
        var predictor = Predictor.Load(checkpoint, InputSize(r), device, precision ?? PrecisionOf(r));
        AnsiConsole.MarkupLineInterpolated(
            $"Model: [bold]{predictor.Source}[/], {predictor.Source.Checkpoint}, {Lab.Devices.ComputeDevice.Describe(predictor.Device)}, {
                predictor.Precision}");
        return predictor;
    }

    /// <summary>The split to work on: the named one, else "test" when the data set has it, else its only split.</summary>
    public static DataSplit PickSplit(FalconDataset dataset, string? name)
    {
        if (name is not null) return dataset[name];
        if (dataset.Splits.Count == 1) return dataset.Splits[0];
        if (dataset.HasSplit(FalconLayout.Test)) return dataset[FalconLayout.Test];
        throw new ArgumentException(
            $"{dataset.Root} has splits {string.Join(", ", dataset.Splits.Select(s => s.Name))}; choose one with --split.");
    }
}
