namespace DesertSeg.Lab.Evaluation;

/// <summary>At which resolution predictions are compared with ground truth.</summary>
public enum ScoringProtocol
{
    /// <summary>
    /// The workspace's default: at each image's own resolution (960x540 for Falcon). Logits are upsampled
    /// bilinearly to the image size before argmax; masks are used as they are.
    /// </summary>
    Native,

    /// <summary>
    /// The original's protocol: at the model's input size (512x896 in the report), against masks resized
    /// there with nearest neighbour. Thin structures and borders count differently, so numbers differ
    /// slightly from <see cref="Native"/>.
    /// </summary>
    InputSize,
}

public static class ScoringProtocols
{
    /// <summary>A label for tables and charts, e.g. "native resolution (logits upsampled before argmax)".</summary>
    public static string Describe(this ScoringProtocol protocol, int inputHeight = 0, int inputWidth = 0) => protocol switch
    {
        ScoringProtocol.Native => "native resolution (logits upsampled before argmax)",
        ScoringProtocol.InputSize => inputHeight > 0
            ? $"model input size {inputHeight}x{inputWidth} against nearest-resized masks (the original's protocol)"
            : "model input size against nearest-resized masks (the original's protocol)",
        _ => protocol.ToString(),
    };

    /// <summary>Parses "native" or "input-size" (also "input", "original").</summary>
    public static ScoringProtocol Parse(string text) => text.Trim().ToLowerInvariant() switch
    {
        "native" => ScoringProtocol.Native,
        "input-size" or "input" or "inputsize" or "original" => ScoringProtocol.InputSize,
        _ => throw new ArgumentException($"Unknown scoring protocol '{text}'. Use 'native' or 'input-size'."),
    };
}
