using static TorchSharp.torch;

namespace DesertSeg.Lab.Losses;

/// <summary>Cross-entropy class weights keyed by class NAME, so one preset serves the 7- and the
/// 10-class schema and a run configuration can pick it by <see cref="Name"/>.</summary>
/// <param name="Name">What a configuration calls it: "code", "report-table4", "uniform".</param>
/// <param name="Weights">Weight per class name; names are the data set's ("Lush Bushes", not "Lush").</param>
/// <param name="Default">Weight for a class the dictionary does not list; null makes such a class an error.</param>
/// <param name="Note">Where the numbers come from.</param>
public sealed record ClassWeightPreset(string Name, IReadOnlyDictionary<string, double> Weights, double? Default, string Note)
{
    /// <summary>The weights for <paramref name="classNames"/> in that order (the order of the logits).</summary>
    /// <exception cref="ArgumentException">A class has no weight and the preset has no default.</exception>
    public double[] For(IReadOnlyList<string> classNames)
    {
        var unknown = classNames.Where(c => !Weights.ContainsKey(c)).ToList();
        if (Default is null && unknown.Count > 0)
        {
            throw new ArgumentException(
                $"Class weight preset '{Name}' has no weight for {string.Join(", ", unknown.Select(u => $"'{u}'"))}. " +
                $"It knows {string.Join(", ", Weights.Keys.Select(k => $"'{k}'"))}.", nameof(classNames));
        }
        return classNames.Select(c => Weights.TryGetValue(c, out var w) ? w : Default!.Value).ToArray();
    }

    /// <summary>The weights for <paramref name="classNames"/> as a float32 tensor of shape [classes].</summary>
    public Tensor TensorFor(IReadOnlyList<string> classNames, Device? device = null) =>
        tensor(For(classNames).Select(w => (float)w).ToArray(), device: device);
}

/// <summary>The presets a run configuration can select by name.</summary>
public static class ClassWeightPresets
{
    /// <summary>What the original code trained Phase 5 with: Trees 1.5, Lush Bushes 1.0, Dry Grass 0.8,
    /// Dry Bushes 1.5, Rocks 5.0, Landscape 0.6, Sky 0.4.</summary>
    /// <remarks>Ground Clutter, Flowers and Logs (10-class schema only) get 1.0. That is an ASSUMPTION: the
    /// facts give no Phase-3 (10-class) weights.</remarks>
    public static ClassWeightPreset Code { get; } = new("code", WithAbsentClasses(new Dictionary<string, double>
    {
        ["Trees"] = 1.5, ["Lush Bushes"] = 1.0, ["Dry Grass"] = 0.8, ["Dry Bushes"] = 1.5,
        ["Rocks"] = 5.0, ["Landscape"] = 0.6, ["Sky"] = 0.4,
    }), Default: null, "original training code (Phase 5); Ground Clutter/Flowers/Logs 1.0 assumed");

    /// <summary>The report's Table 4: as <see cref="Code"/> but Trees 1.0 and Dry Bushes 2.0.</summary>
    public static ClassWeightPreset ReportTable4 { get; } = new("report-table4", WithAbsentClasses(new Dictionary<string, double>
    {
        ["Trees"] = 1.0, ["Lush Bushes"] = 1.0, ["Dry Grass"] = 0.8, ["Dry Bushes"] = 2.0,
        ["Rocks"] = 5.0, ["Landscape"] = 0.6, ["Sky"] = 0.4,
    }), Default: null, "report Table 4; Ground Clutter/Flowers/Logs 1.0 assumed");

    /// <summary><see cref="Code"/> with Rocks at 8.0: one of the report's failed ideas (Table 9, "Rocks wt. 8x").</summary>
    public static ClassWeightPreset Rocks8 { get; } = new("code-rocks8", WithAbsentClasses(new Dictionary<string, double>
    {
        ["Trees"] = 1.5, ["Lush Bushes"] = 1.0, ["Dry Grass"] = 0.8, ["Dry Bushes"] = 1.5,
        ["Rocks"] = 8.0, ["Landscape"] = 0.6, ["Sky"] = 0.4,
    }), Default: null, "original code's weights with Rocks 8.0 (report Table 9)");

    /// <summary>Every class 1.0 (plain cross-entropy).</summary>
    public static ClassWeightPreset Uniform { get; } = new("uniform", new Dictionary<string, double>(), Default: 1.0, "all classes 1.0");

    /// <summary>Every preset.</summary>
    public static IReadOnlyList<ClassWeightPreset> All { get; } = [Code, ReportTable4, Rocks8, Uniform];

    /// <summary>The preset called <paramref name="name"/> (case-insensitive).</summary>
    public static ClassWeightPreset Get(string name) =>
        All.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase))
        ?? throw new ArgumentException($"Unknown class weight preset '{name}'. Known: {string.Join(", ", All.Select(p => p.Name))}.",
            nameof(name));

    // The three classes only the 10-class schema has; their weight is not documented anywhere.
    private static Dictionary<string, double> WithAbsentClasses(Dictionary<string, double> weights)
    {
        weights["Ground Clutter"] = 1.0;
        weights["Flowers"] = 1.0;
        weights["Logs"] = 1.0;
        return weights;
    }
}
