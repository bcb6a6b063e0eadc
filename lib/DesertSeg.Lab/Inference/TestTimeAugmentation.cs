namespace DesertSeg.Lab.Inference;

/// <summary>
/// Multi-scale test-time augmentation as the original's final_inference.py did it: the normalised input
/// (already at the model's input size) is bilinearly resized to each scale (sides rounded to multiples of
/// 32), run plain and horizontally flipped, every pass's logits are bilinearly resized back to the input
/// size (align_corners=False), summed, and the sum's argmax is the prediction.
/// </summary>
/// <remarks>
/// Scale 1.0 runs at the input size itself. The original rounded it too, which changes nothing at its
/// 512x896, but at the quick scale's 144x256 it would run the model at 128x256: the rounding belongs to the
/// other scales only (the input size already divides by the model's stride of 16).
/// </remarks>
/// <param name="Scales">Factors of the input size; the original used 0.75, 1.0, 1.25.</param>
/// <param name="Flip">Also run each scale mirrored left-right (its logits mirrored back).</param>
public sealed record TestTimeAugmentation(IReadOnlyList<double> Scales, bool Flip)
{
    /// <summary>A single pass at the input size: plain inference.</summary>
    public static TestTimeAugmentation None { get; } = new([1.0], false);

    /// <summary>The report's multi-scale TTA: three scales, each plain and flipped (6 passes).</summary>
    public static TestTimeAugmentation Original { get; } = new([0.75, 1.0, 1.25], true);

    /// <summary>Forward passes per image.</summary>
    public int Passes => Scales.Count * (Flip ? 2 : 1);

    /// <summary>True when this is one unflipped pass at scale 1 (plain inference).</summary>
    public bool IsSingleScale => Scales.Count == 1 && Scales[0] == 1.0 && !Flip;

    /// <summary>
    /// The input size of each scale: the input size itself for 1.0, else max(32, round(side * s / 32) * 32)
    /// with Python's round (half to even) as the original computed it. At 512x896: 384x672, 512x896,
    /// 640x1120; at 144x256: 96x192, 144x256, 192x320.
    /// </summary>
    public IReadOnlyList<(int Height, int Width)> TtaSizes(int height, int width)
    {
        Validate();
        return Scales.Select(s => s == 1.0 ? (height, width) : (Side(height, s), Side(width, s))).ToList();
    }

    private static int Side(int side, double scale) =>
        Math.Max(32, (int)Math.Round(side * scale / 32, MidpointRounding.ToEven) * 32);

    /// <summary>Throws unless there is at least one positive scale.</summary>
    public void Validate()
    {
        if (Scales.Count == 0) throw new ArgumentException("Test-time augmentation needs at least one scale.");
        foreach (var s in Scales)
            if (!(s > 0) || double.IsInfinity(s)) throw new ArgumentException($"TTA scale {s} is not a positive number.");
    }

    /// <summary>Parses "0.75,1,1.25".</summary>
    public static IReadOnlyList<double> ParseScales(string text) =>
        text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(s => double.TryParse(s, System.Globalization.NumberStyles.Float,
                    System.Globalization.CultureInfo.InvariantCulture, out var v)
                ? v : throw new ArgumentException($"TTA scale '{s}' is not a number (expected e.g. 0.75,1,1.25)."))
            .ToList();

    public override string ToString() => IsSingleScale
        ? "single scale"
        : $"TTA scales {string.Join("/", Scales.Select(s => s.ToString(System.Globalization.CultureInfo.InvariantCulture)))}" +
          $"{(Flip ? " + flip" : "")} ({Passes} passes)";
}
