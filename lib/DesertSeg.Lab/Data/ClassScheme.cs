namespace DesertSeg.Lab.Data;

/// <summary>
/// A mapping from raw mask values to the contiguous class indices a model is trained on.
/// Classes that a scheme leaves out, and any raw value no class uses, map to <see cref="Ignore"/>.
/// </summary>
public sealed class ClassScheme
{
    /// <summary>The index of pixels that carry no loss and no score (PyTorch's ignore_index).</summary>
    public const byte Ignore = 255;

    /// <summary>All ten classes: the data set's own labels (Phases 2-4).</summary>
    public static ClassScheme TenClass { get; } = new("10-class", FalconClass.All);

    /// <summary>
    /// The final model's seven classes (Phase 5): Ground Clutter, Flowers and Logs never occur in the
    /// test environment, so their pixels are ignored rather than learned.
    /// </summary>
    public static ClassScheme SevenClass { get; } = new("7-class",
        FalconClass.All.Where(c => c.Name is not ("Ground Clutter" or "Flowers" or "Logs")).ToList());

    /// <summary>
    /// The report's "10-cls + merge similar" alternative (Table 2): seven outputs, with the three classes
    /// absent from test merged into look-alikes instead of ignored. The report names only Flowers -> Dry
    /// Grass; Ground Clutter -> Landscape and Logs -> Trees are this workspace's choice.
    /// </summary>
    public static ClassScheme SevenClassMerged { get; } = new("7-class-merged", SevenClass.Classes,
        new Dictionary<string, string> { ["Ground Clutter"] = "Landscape", ["Flowers"] = "Dry Grass", ["Logs"] = "Trees" });

    /// <summary>The schemes by name, for configurations and the command line.</summary>
    public static ClassScheme ByName(string name) => name.Trim().ToLowerInvariant() switch
    {
        "10" or "10-class" or "ten" => TenClass,
        "7" or "7-class" or "seven" => SevenClass,
        "7-class-merged" or "merged" => SevenClassMerged,
        _ => throw new ArgumentException($"Unknown class scheme '{name}'. Use '10-class', '7-class' or '7-class-merged'."),
    };

    private readonly byte[] _lut;

    /// <param name="merged">Classes trained as another one: raw value of the key class maps to the value class's index.</param>
    public ClassScheme(string name, IReadOnlyList<FalconClass> classes, IReadOnlyDictionary<string, string>? merged = null)
    {
        if (classes.Count is 0 or >= Ignore)
            throw new ArgumentException($"A class scheme needs 1..254 classes, got {classes.Count}.");
        Name = name;
        Classes = classes;
        // Vectorised remap as in the original: 10,001 entries, default ignore.
        _lut = new byte[FalconClass.MaxRawValue + 1];
        Array.Fill(_lut, Ignore);
        for (int i = 0; i < classes.Count; i++) _lut[classes[i].RawValue] = (byte)i;
        Merged = merged ?? new Dictionary<string, string>();
        foreach (var (from, into) in Merged)
        {
            int target = IndexOf(into);
            if (target < 0) throw new ArgumentException($"Cannot merge {from} into {into}: {into} is not a class of '{name}'.");
            _lut[FalconClass.ByName(from).RawValue] = (byte)target;
        }
    }

    /// <summary>Classes this scheme trains as another class (empty for the plain schemes).</summary>
    public IReadOnlyDictionary<string, string> Merged { get; }

    public string Name { get; }

    /// <summary>The trained classes; a class's position is its index in logits and index masks.</summary>
    public IReadOnlyList<FalconClass> Classes { get; }

    public int Count => Classes.Count;

    public IReadOnlyList<string> ClassNames => Classes.Select(c => c.Name).ToList();

    /// <summary>The look-up table: raw value (0..10000) to class index or 255.</summary>
    public ReadOnlySpan<byte> LookUpTable => _lut;

    /// <summary>Name and look-up table's hash: equal for two schemes that remap alike (a name alone might not say how it
    /// remaps), so that they share decoded masks (<see cref="Loading.DecodedPairCache"/>).</summary>
    public string RemapKey => _remapKey ??= $"{Name}:{Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(_lut))[..16]}";

    private string? _remapKey;

    /// <summary>Index of a class by name, or -1 when this scheme does not train it.</summary>
    public int IndexOf(string className)
    {
        for (int i = 0; i < Classes.Count; i++)
            if (string.Equals(Classes[i].Name, className, StringComparison.OrdinalIgnoreCase)) return i;
        return -1;
    }

    /// <summary>Class index of one raw value; values outside 0..10000 are clipped first, as the original did.</summary>
    public byte Map(int raw) => _lut[Math.Clamp(raw, 0, FalconClass.MaxRawValue)];

    /// <summary>Remaps a whole raw mask to class indices.</summary>
    public void Remap(ReadOnlySpan<ushort> raw, Span<byte> indices)
    {
        if (indices.Length < raw.Length)
            throw new ArgumentException($"Destination holds {indices.Length} pixels, source {raw.Length}.");
        var lut = _lut;
        for (int i = 0; i < raw.Length; i++)
        {
            int v = raw[i];
            indices[i] = lut[v > FalconClass.MaxRawValue ? FalconClass.MaxRawValue : v];
        }
    }

    public byte[] Remap(ReadOnlySpan<ushort> raw)
    {
        var indices = new byte[raw.Length];
        Remap(raw, indices);
        return indices;
    }

    /// <summary>Back from class indices to raw values (the ground-truth format); ignore becomes 0.</summary>
    public void ToRaw(ReadOnlySpan<byte> indices, Span<ushort> raw)
    {
        Span<ushort> table = stackalloc ushort[256];
        for (int i = 0; i < Classes.Count; i++) table[i] = Classes[i].RawValue;
        for (int i = 0; i < indices.Length; i++) raw[i] = table[indices[i]];
    }

    public override string ToString() => $"{Name} ({string.Join(", ", ClassNames)})";
}
