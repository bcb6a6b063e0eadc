using System.Text.RegularExpressions;
using DesertSeg.Lab.Checkpoints;
using DesertSeg.Lab.Data;
using DesertSeg.Lab.Models;
using DesertSeg.Lab.Models.Encoders;
using DesertSeg.Lab.Training;

namespace DesertSeg.Lab.Inference;

/// <summary>
/// What a checkpoint needs in order to be used: the model to build, its class scheme and the input size it
/// was trained at. A checkpoint inside a run folder (<c>RUN/checkpoints/*.safetensors</c>) takes all of it
/// from the run's config.json; any other smp checkpoint is read from its keys (classes from the head's
/// weight, encoder from the blocks of layer3), with the input size from the caller (default 512x896, the
/// report's).
/// </summary>
/// <param name="Checkpoint">The weights file.</param>
/// <param name="Model">Encoder and classes.</param>
/// <param name="Scheme">The class scheme of the model's outputs.</param>
/// <param name="Height">Input height the model runs at (multiple of 16).</param>
/// <param name="Width">Input width.</param>
/// <param name="Origin">Where the configuration came from, for labels.</param>
public sealed record ModelSource(string Checkpoint, ModelConfig Model, ClassScheme Scheme, int Height, int Width, string Origin)
{
    /// <summary>The scale of the run it was trained in (quick, full, smoke), when it is a run's checkpoint: where its
    /// estimators' measured error margins come from (<see cref="Estimation.EstimatorMargins"/>).</summary>
    public string? Scale { get; init; }

    /// <summary>The report's input size (height, width).</summary>
    public static (int Height, int Width) ReportInputSize => (512, 896);

    /// <summary>
    /// Resolves <paramref name="path"/> (a checkpoint file, or a run folder meaning its best checkpoint).
    /// <paramref name="inputSize"/> overrides the input size from any source.
    /// </summary>
    public static ModelSource Resolve(string path, (int Height, int Width)? inputSize = null)
    {
        using var stateDict = StateDict.Load(CheckpointFile(path));
        return Resolve(stateDict, inputSize);
    }

    /// <summary>Resolves an already loaded state dict (its <see cref="StateDict.Source"/> locates a run folder).</summary>
    public static ModelSource Resolve(StateDict stateDict, (int Height, int Width)? inputSize = null)
    {
        string file = Path.GetFullPath(stateDict.Source);
        var fromKeys = Infer(stateDict);
        var run = RunOf(file);
        ModelSource source;
        if (run is not null)
        {
            var config = run.ReadConfig();
            if (config.Model.Classes != fromKeys.Classes
                || !string.Equals(config.Model.Encoder, fromKeys.Encoder, StringComparison.OrdinalIgnoreCase))
                throw new CheckpointException(file,
                    $"holds a {fromKeys.Encoder} with {fromKeys.Classes} classes, but its run's config.json ({run.ConfigFile}) " +
                    $"says {config.Model.Encoder} with {config.Model.Classes}.");
            source = new ModelSource(file, config.Model, ClassScheme.ByName(config.ClassScheme), config.Height, config.Width,
                $"run {run.Name} (config.json)") { Scale = config.Scale };
        }
        else if (Adaptation.AdaptedCheckpoint.Read(file) is { } adapted)
        {
            if (adapted.Classes != fromKeys.Classes
                || !string.Equals(adapted.Encoder, fromKeys.Encoder, StringComparison.OrdinalIgnoreCase))
                throw new CheckpointException(file,
                    $"holds a {fromKeys.Encoder} with {fromKeys.Classes} classes, " +
                    $"but its adaptation record says {adapted.Encoder} with {adapted.Classes}.");
            source = new ModelSource(file, fromKeys, ClassScheme.ByName(adapted.Scheme), adapted.Height, adapted.Width,
                $"adapted from {adapted.SourceCheckpoint} by {adapted.Method}{(adapted.Transductive ? ", TRANSDUCTIVE" : "")}");
        }
        else
        {
            var scheme = fromKeys.Classes switch
            {
                10 => ClassScheme.TenClass,
                7 => ClassScheme.SevenClass,
                _ => throw new CheckpointException(file,
                    $"has {fromKeys.Classes} output classes; only the 10-class and 7-class schemes are known."),
            };
            var (h, w) = ReportInputSize;
            source = new ModelSource(file, fromKeys, scheme, h, w, "inferred from the checkpoint's keys");
        }
        if (inputSize is { } size)
        {
            if (size.Height % ModelConfig.OutputStride != 0 || size.Width % ModelConfig.OutputStride != 0
                || size.Height <= 0 || size.Width <= 0)
                throw new ArgumentException(
                    $"Input size {size.Height}x{size.Width} must be positive multiples of {ModelConfig.OutputStride}.");
            source = source with { Height = size.Height, Width = size.Width };
        }
        return source;
    }

    /// <summary>A run folder stands for its best checkpoint.</summary>
    public static string CheckpointFile(string path)
    {
        if (Directory.Exists(path))
        {
            var run = new RunDirectory(path);
            if (!File.Exists(run.BestCheckpoint))
                throw new CheckpointException(path,
                    $"is a folder without {Path.Combine("checkpoints", "best.safetensors")}; give a checkpoint file or a run folder.");
            return run.BestCheckpoint;
        }
        return path;
    }

    private static RunDirectory? RunOf(string checkpoint)
    {
        var folder = Path.GetDirectoryName(checkpoint);
        if (folder is null || !string.Equals(Path.GetFileName(folder), "checkpoints", StringComparison.Ordinal)) return null;
        var run = new RunDirectory(Path.GetDirectoryName(folder)!);
        return run.Exists ? run : null;
    }

    private static readonly Regex Layer3Block = new(@"^encoder\.layer3\.(\d+)\.", RegexOptions.Compiled);
    private static readonly Regex Layer4Block = new(@"^encoder\.layer4\.(\d+)\.", RegexOptions.Compiled);

    private static int BlockCount(StateDict stateDict, Regex layer) =>
        stateDict.Keys.Select(k => layer.Match(k)).Where(m => m.Success)
            .Select(m => int.Parse(m.Groups[1].Value)).DefaultIfEmpty(-1).Max() + 1;

    /// <summary>Encoder and classes from an smp DeepLabV3Plus state dict's keys and head shape.</summary>
    public static ModelConfig Infer(StateDict stateDict)
    {
        const string head = "segmentation_head.0.weight";
        if (!stateDict.TryGetValue(head, out var headWeight) || headWeight.shape.Length != 4)
            throw new CheckpointException(stateDict.Source, $"has no '{head}' of 4 dimensions: not an smp DeepLabV3Plus checkpoint.");
        int classes = (int)headWeight.shape[0];
        bool bottleneck = stateDict.ContainsKey("encoder.layer1.0.conv3.weight");
        int blocks = BlockCount(stateDict, Layer3Block);
        int blocks4 = BlockCount(stateDict, Layer4Block);
        var block = bottleneck ? ResNetBlock.Bottleneck : ResNetBlock.Basic;
        // layer4 tells resnet18 ([2,2,2,2]) from resnet18-imagenet ([2,2,2,3]).
        var spec = ResNetSpec.All.FirstOrDefault(s => s.Block == block && s.Layers[2] == blocks && s.Layers[3] == blocks4)
            ?? throw new CheckpointException(stateDict.Source,
                $"has a {block} encoder with {blocks} blocks in layer3 and {blocks4} in layer4, " +
                $"which matches none of {string.Join(", ", ResNetSpec.All.Select(s => s.Name))}.");
        return new ModelConfig(spec.Name, classes);
    }

    public override string ToString() =>
        $"DeepLabV3+ {Model.Encoder}, {Scheme.Name}, input {Height}x{Width} ({Origin})";
}
