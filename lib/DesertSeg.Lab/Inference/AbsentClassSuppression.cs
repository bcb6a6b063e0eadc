using DesertSeg.Lab.Data;
using DesertSeg.Lab.Data.Audit;
using static TorchSharp.torch;

namespace DesertSeg.Lab.Inference;

/// <summary>
/// The report's "domain-aware" inference trick: classes known to be absent from the target data get their
/// logits set to -inf before argmax, so the model can never predict them (Phase 3's 10-class model: Ground
/// Clutter, Flowers, Logs; +0.13 test mIoU). Knowing which classes are absent from the TEST split is
/// knowledge about the test set, so scores made with it are labelled as such.
/// </summary>
/// <param name="ClassNames">Falcon class names to suppress.</param>
/// <param name="Origin">Where the set came from, for labels ("named", "audit of test").</param>
public sealed record AbsentClassSuppression(IReadOnlyList<string> ClassNames, string Origin = "named")
{
    public static AbsentClassSuppression None { get; } = new([], "none");

    /// <summary>The set the original suppressed for its 10-class model.</summary>
    public static AbsentClassSuppression Original { get; } = new(["Ground Clutter", "Flowers", "Logs"], "the original's set");

    public bool IsEmpty => ClassNames.Count == 0;

    /// <summary>Named classes; each name must be a Falcon class.</summary>
    public static AbsentClassSuppression Named(params string[] names) =>
        new(names.Select(n => FalconClass.ByName(n).Name).Distinct().ToList(), "named");

    /// <summary>Parses "Ground Clutter,Flowers,Logs".</summary>
    public static AbsentClassSuppression Parse(string commaSeparated) =>
        Named(commaSeparated.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

    /// <summary>The classes an audit found no pixel of.</summary>
    public static AbsentClassSuppression FromAudit(SplitAudit audit)
    {
        if (!audit.HasMasks)
            throw new InvalidOperationException(
                $"Split '{audit.Split}' has no masks, so its absent classes are unknown; name the classes to suppress instead.");
        return new(audit.AbsentClasses, $"absent from '{audit.Split}' (audit of its masks)");
    }

    /// <summary>Audits <paramref name="split"/>'s masks and suppresses the classes with no pixel there.</summary>
    public static AbsentClassSuppression FromSplit(DataSplit split) => FromAudit(DatasetAuditor.AuditSplit(split));

    /// <summary>
    /// Indices of the suppressed classes in <paramref name="scheme"/>; classes the scheme does not train
    /// (Ground Clutter in the 7-class scheme) need no suppression and are skipped. Suppressing every class
    /// would leave nothing to predict and is refused.
    /// </summary>
    public IReadOnlyList<int> IndicesIn(ClassScheme scheme)
    {
        var indices = ClassNames.Select(scheme.IndexOf).Where(i => i >= 0).Distinct().Order().ToList();
        if (indices.Count >= scheme.Count)
            throw new ArgumentException(
                $"Suppressing {string.Join(", ", ClassNames)} would leave no class of the {scheme.Name} scheme to predict.");
        return indices;
    }

    /// <summary>
    /// Logits N x C x H x W with the suppressed channels set to -inf (a new tensor; the input is unchanged).
    /// Applied to the final logits (after any resize), so that -inf never enters a bilinear interpolation
    /// (where 0 * -inf would make NaN, which argmax would pick).
    /// </summary>
    public Tensor Apply(Tensor logits, ClassScheme scheme)
    {
        var indices = IndicesIn(scheme);
        if (indices.Count == 0) return logits.alias();
        if (logits.shape[1] != scheme.Count)
            throw new ArgumentException($"Logits have {logits.shape[1]} channels but the {scheme.Name} scheme has {scheme.Count} classes.");
        using var channels = tensor(indices.Select(i => (long)i).ToArray(), device: logits.device);
        return logits.index_fill(1, channels, double.NegativeInfinity);
    }

    public override string ToString() => IsEmpty ? "no suppression" : $"suppress {string.Join(", ", ClassNames)} ({Origin})";
}
