namespace DesertSeg.Lab.Data;

/// <summary>An RGB colour of the class palette.</summary>
public readonly record struct Rgb(byte R, byte G, byte B)
{
    public override string ToString() => $"#{R:X2}{G:X2}{B:X2}";
}

/// <summary>One class of the Falcon desert data set as its masks encode it.</summary>
/// <param name="RawValue">The 16-bit value a ground-truth mask stores for this class (100..10000).</param>
/// <param name="Name">The report's name of the class.</param>
/// <param name="Color">The colour used for colour masks, overlays and charts.</param>
public sealed record FalconClass(ushort RawValue, string Name, Rgb Color)
{
    /// <summary>The ten classes of the data set, in raw-value order (the 10-class index order).</summary>
    public static IReadOnlyList<FalconClass> All { get; } =
    [
        new(100, "Trees", new Rgb(34, 139, 34)),
        new(200, "Lush Bushes", new Rgb(0, 255, 0)),
        new(300, "Dry Grass", new Rgb(210, 180, 140)),
        new(500, "Dry Bushes", new Rgb(139, 90, 43)),
        new(550, "Ground Clutter", new Rgb(128, 128, 0)),
        new(600, "Flowers", new Rgb(255, 105, 180)),
        new(700, "Logs", new Rgb(139, 69, 19)),
        new(800, "Rocks", new Rgb(128, 128, 128)),
        new(7100, "Landscape", new Rgb(160, 82, 45)),
        new(10000, "Sky", new Rgb(135, 206, 235)),
    ];

    /// <summary>The largest raw value a mask may hold; the look-up tables cover 0..MaxRawValue.</summary>
    public const int MaxRawValue = 10000;

    /// <summary>Finds a class by name (case-insensitive); throws with the known names if absent.</summary>
    public static FalconClass ByName(string name) =>
        All.FirstOrDefault(c => string.Equals(c.Name, name, StringComparison.OrdinalIgnoreCase))
        ?? throw new ArgumentException(
            $"Unknown class '{name}'. Known classes: {string.Join(", ", All.Select(c => c.Name))}.");

    /// <summary>Finds a class by raw mask value, or null for a value no class uses.</summary>
    public static FalconClass? ByRawValue(int raw) => All.FirstOrDefault(c => c.RawValue == raw);
}
