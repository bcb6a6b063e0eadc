using System.Text;

namespace DesertSeg.Lab.Checkpoints;

/// <summary>A key present in both the checkpoint and the model whose shape or dtype differs.</summary>
/// <param name="Key">State-dict name.</param>
/// <param name="Expected">The model's tensor, e.g. "float32 [7, 256, 1, 1]".</param>
/// <param name="Found">The checkpoint's tensor.</param>
public sealed record KeyMismatch(string Key, string Expected, string Found)
{
    public override string ToString() => $"{Key} (model {Expected}, checkpoint {Found})";
}

/// <summary>What a load did: which model keys got values, which the checkpoint lacked, which it had in
/// excess, which differed in shape or dtype, and which were left out on purpose.</summary>
/// <param name="Source">The file (or description) loaded from.</param>
/// <param name="Loaded">Model keys whose values were copied from the checkpoint.</param>
/// <param name="Missing">Model keys the checkpoint lacks (they keep their current values).</param>
/// <param name="Unexpected">Checkpoint keys the model does not have (ignored).</param>
/// <param name="Mismatched">Keys in both with a different shape or dtype (not copied).</param>
/// <param name="Excluded">Keys left out by request, e.g. the head in a 10 -> 7 class transfer, or a
/// torchvision checkpoint's fc.*; listed by their name in the checkpoint.</param>
public sealed record LoadReport(
    string Source,
    IReadOnlyList<string> Loaded,
    IReadOnlyList<string> Missing,
    IReadOnlyList<string> Unexpected,
    IReadOnlyList<KeyMismatch> Mismatched,
    IReadOnlyList<string> Excluded)
{
    /// <summary>True when every model key that was not excluded got a value and nothing was left over.</summary>
    public bool IsExactMatch => Missing.Count == 0 && Unexpected.Count == 0 && Mismatched.Count == 0;

    /// <summary>One line a category; each list shows at most <paramref name="maxNamesPerList"/> names.</summary>
    public string Describe(int maxNamesPerList = 20)
    {
        var text = new StringBuilder();
        void Line(string label, IReadOnlyCollection<string> names)
        {
            text.Append($"  {label}: {names.Count}");
            if (names.Count > 0)
            {
                text.Append(" - ").Append(string.Join(", ", names.Take(maxNamesPerList)));
                if (names.Count > maxNamesPerList) text.Append($", ... and {names.Count - maxNamesPerList} more");
            }
            text.AppendLine();
        }
        text.AppendLine($"  loaded: {Loaded.Count}");
        Line("mismatched shape or dtype", Mismatched.Select(m => m.ToString()).ToList());
        Line("unexpected (in checkpoint, not in model)", Unexpected.ToList());
        Line("missing (in model, not in checkpoint)", Missing.ToList());
        Line("excluded on purpose", Excluded.ToList());
        return text.ToString().TrimEnd();
    }

    public override string ToString() => $"{Source}\n{Describe()}";
}
