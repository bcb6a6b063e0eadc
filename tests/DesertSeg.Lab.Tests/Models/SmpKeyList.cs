namespace DesertSeg.Lab.Tests.Models;

/// <summary>One state-dict entry of the smp 0.3.3 DeepLabV3Plus mirror (Fixtures/smp_deeplabv3plus_keys.tsv,
/// written by tools/python/smp_reference.py keys from a real PyTorch module tree).</summary>
internal sealed record SmpKey(string Name, string DType, long[] Shape);

internal static class SmpKeyList
{
    /// <summary>Entries in PyTorch's state_dict() order for <paramref name="encoder"/> with 7 classes.</summary>
    public static IReadOnlyList<SmpKey> For(string encoder) =>
        File.ReadLines(Fixtures.Path("smp_deeplabv3plus_keys.tsv"))
            .Where(line => !line.StartsWith('#'))
            .Select(line => line.Split('\t'))
            .Where(parts => parts[0] == encoder)
            .Select(parts => new SmpKey(parts[1], parts[2],
                parts[3].Length == 0 ? [] : parts[3].Split(',').Select(long.Parse).ToArray()))
            .ToList();
}
