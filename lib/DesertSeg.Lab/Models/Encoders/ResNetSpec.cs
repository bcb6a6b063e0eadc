namespace DesertSeg.Lab.Models.Encoders;

/// <summary>Residual block type of a ResNet.</summary>
public enum ResNetBlock
{
    /// <summary>Two 3x3 convolutions (ResNet-18/34); expansion 1.</summary>
    Basic,
    /// <summary>1x1 -> 3x3 (stride here, torchvision "v1.5") -> 1x1 (ResNet-50/101); expansion 4.</summary>
    Bottleneck,
}

/// <summary>Layout of a torchvision ResNet as smp uses it as an encoder.</summary>
/// <param name="Name">torchvision/smp name, e.g. "resnet101".</param>
/// <param name="Block">Block type.</param>
/// <param name="Layers">Blocks in layer1..layer4.</param>
public sealed record ResNetSpec(string Name, ResNetBlock Block, IReadOnlyList<int> Layers)
{
    /// <summary>Output channels of a block relative to its "planes".</summary>
    public int Expansion => Block == ResNetBlock.Basic ? 1 : 4;

    /// <summary>Channels of smp's six encoder features: input, stem, layer1..layer4.</summary>
    public IReadOnlyList<int> OutChannels => [3, 64, 64 * Expansion, 128 * Expansion, 256 * Expansion, 512 * Expansion];

    public static ResNetSpec ResNet18 { get; } = new("resnet18", ResNetBlock.Basic, [2, 2, 2, 2]);
    public static ResNetSpec ResNet34 { get; } = new("resnet34", ResNetBlock.Basic, [3, 4, 6, 3]);
    public static ResNetSpec ResNet50 { get; } = new("resnet50", ResNetBlock.Bottleneck, [3, 4, 6, 3]);
    public static ResNetSpec ResNet101 { get; } = new("resnet101", ResNetBlock.Bottleneck, [3, 4, 23, 3]);

    /// <summary>The ImageNet ResNet-18 shipped as ONNX in the NuGet package Microsoft.ML.DnnImageFeaturizer.ResNet18
    /// (trained in CNTK): torchvision's ResNet-18 with a third BasicBlock in layer4. Its weights come from
    /// <see cref="Checkpoints.Pretrained.PretrainedEncoders"/>.</summary>
    public static ResNetSpec ResNet18ImageNet { get; } = new("resnet18-imagenet", ResNetBlock.Basic, [2, 2, 2, 3]);

    /// <summary>Every supported encoder.</summary>
    public static IReadOnlyList<ResNetSpec> All { get; } = [ResNet18, ResNet34, ResNet50, ResNet101, ResNet18ImageNet];

    /// <summary>The spec called <paramref name="name"/> (case-insensitive).</summary>
    /// <exception cref="ArgumentException">Unknown encoder; the message lists the known ones.</exception>
    public static ResNetSpec Get(string name) =>
        All.FirstOrDefault(s => string.Equals(s.Name, name, StringComparison.OrdinalIgnoreCase))
        ?? throw new ArgumentException(
            $"Unknown encoder '{name}'. Known: {string.Join(", ", All.Select(s => s.Name))}.", nameof(name));
}
