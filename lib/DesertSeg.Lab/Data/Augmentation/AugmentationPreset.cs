using System.Text.Json;

namespace DesertSeg.Lab.Data.Augmentation;

/// <summary>
/// A named, serialisable augmentation recipe: the transforms in order and the final normalisation. The output
/// size is not part of it (it belongs to the run), so one preset serves the full 512x896 runs and quick ones.
/// A run folder stores the preset as JSON, and <see cref="FromJson"/> rebuilds exactly the same pipeline.
/// </summary>
public sealed record AugmentationPreset(string Name, IReadOnlyList<Transform> Transforms, Normalization Normalization)
{
    /// <summary>The final model's training augmentation (report section 4.1, Table 3), albumentations 2.x parameters.</summary>
    public static AugmentationPreset Table3 { get; } = new("table3", Table3Transforms(), Normalization.ImageNet);

    /// <summary>
    /// Phase 4's "extreme" colour augmentation (worse: 0.4386 vs 0.4435 test mIoU): Table 3 with
    /// HueSaturationValue, RGBShift, ChannelShuffle and ToGray stacked. The report gives neither their
    /// probabilities nor their place; they follow ColorJitter because the report lists them as one colour stack
    /// with it. HueSaturationValue, RGBShift and ChannelShuffle keep albumentations' default p = 0.5 and
    /// HueSaturationValue and RGBShift its default limits (20/30/20 and 20/20/20). ToGray uses p = 0.2 as the
    /// team chose it (albumentations' own default is 0.5, which would grey half the images).
    /// </summary>
    public static AugmentationPreset Extreme { get; } = new("extreme", ExtremeTransforms(), Normalization.ImageNet);

    /// <summary>No augmentation: resize to the output size and normalise (validation, test, and un-augmented training).</summary>
    public static AugmentationPreset None { get; } = new("none", [new Resize()], Normalization.ImageNet);

    /// <summary>Table 3 plus ChannelShuffle and ToGray: one of the report's failed ideas (Table 9, "ChShuffle+ToGray").</summary>
    public static AugmentationPreset ShuffleGray { get; } = new("shuffle-gray", ShuffleGrayTransforms(), Normalization.ImageNet);

    public static IReadOnlyList<string> Names { get; } = ["table3", "extreme", "shuffle-gray", "none"];

    public static AugmentationPreset ByName(string name) => name.Trim().ToLowerInvariant() switch
    {
        "table3" or "table-3" or "default" => Table3,
        "extreme" => Extreme,
        "shuffle-gray" => ShuffleGray,
        "none" or "eval" => None,
        _ => throw new ArgumentException($"Unknown augmentation preset '{name}'. Known: {string.Join(", ", Names)}."),
    };

    private static List<Transform> Table3Transforms() =>
    [
        new RandomResizedCrop(ScaleMin: 0.5, ScaleMax: 1.0, RatioMin: 1.3125, RatioMax: 2.1875, P: 1.0),
        new HorizontalFlip(P: 0.5),
        new ColorJitter(Brightness: 0.3, Contrast: 0.3, Saturation: 0.3, Hue: 0.05, P: 0.6),
        // Brightness biased darker on purpose: the test images are darker than the training ones (report 4.1).
        new RandomBrightnessContrast(BrightnessMin: -0.3, BrightnessMax: 0.1, ContrastMin: -0.2, ContrastMax: 0.2, P: 0.4),
        new Clahe(ClipLimitMin: 1.0, ClipLimitMax: 4.0, TileGridSize: 8, P: 0.2),
        new GaussianBlur(KernelMin: 3, KernelMax: 5, SigmaMin: 0.5, SigmaMax: 3.0, P: 0.15),
    ];

    private static List<Transform> ExtremeTransforms()
    {
        var transforms = Table3Transforms();
        int afterJitter = transforms.FindIndex(t => t is ColorJitter) + 1;
        transforms.InsertRange(afterJitter,
        [
            new HueSaturationValue(HueShift: 20, SaturationShift: 30, ValueShift: 20, P: 0.5),
            new RgbShift(RedShift: 20, GreenShift: 20, BlueShift: 20, P: 0.5),
            new ChannelShuffle(P: 0.5),
            new ToGray(P: 0.2),
        ]);
        return transforms;
    }

    private static List<Transform> ShuffleGrayTransforms()
    {
        var transforms = Table3Transforms();
        int afterJitter = transforms.FindIndex(t => t is ColorJitter) + 1;
        transforms.InsertRange(afterJitter, [new ChannelShuffle(P: 0.5), new ToGray(P: 0.2)]);
        return transforms;
    }

    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true };

    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);

    public static AugmentationPreset FromJson(string json) =>
        JsonSerializer.Deserialize<AugmentationPreset>(json, JsonOptions)
        ?? throw new JsonException("The augmentation preset JSON is null.");
}
