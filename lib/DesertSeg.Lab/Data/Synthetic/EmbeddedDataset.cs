using System.Text.Json;
using DesertSeg.Lab.IO;

namespace DesertSeg.Lab.Data.Synthetic;

/// <summary>
/// The workspace's default data set: synthetic desert scenes in the Falcon layout, generated on first
/// use into <c>data/falcon-synthetic</c> (or DESERTSEG_DATA). Generation happens in a temporary folder
/// that is renamed into place only when complete, so an interrupted run never leaves half a data set
/// that looks whole.
/// </summary>
public static class EmbeddedDataset
{
    public const string ManifestFile = "synthetic.json";

    /// <summary>Where the embedded data set lives.</summary>
    public static string DefaultRoot => Environment.GetEnvironmentVariable("DESERTSEG_DATA") is { Length: > 0 } data
        ? Path.GetFullPath(data)
        : Path.Combine(Workspace.DataFolder, "falcon-synthetic");

    /// <summary>The spec a complete synthetic data set at <paramref name="root"/> was generated with, or null.</summary>
    public static SyntheticDatasetSpec? ReadManifest(string root)
    {
        string path = Path.Combine(root, ManifestFile);
        if (!File.Exists(path)) return null;
        try { return JsonSerializer.Deserialize<SyntheticDatasetSpec>(File.ReadAllText(path)); }
        catch (JsonException e) { throw new DataFormatException(path, $"unreadable manifest ({e.Message}); delete the folder to regenerate it."); }
    }

    /// <summary>
    /// Returns the root of a complete synthetic data set made with <paramref name="spec"/> (default:
    /// <see cref="SyntheticDatasetSpec.Default"/>), generating it first when it is missing or was made
    /// with another spec. <paramref name="progress"/> counts images written.
    /// </summary>
    public static string Ensure(string? root = null, SyntheticDatasetSpec? spec = null,
        IProgress<int>? progress = null, CancellationToken cancellation = default)
    {
        root = Path.GetFullPath(root ?? DefaultRoot);
        spec ??= SyntheticDatasetSpec.Default;
        if (Directory.Exists(root))
        {
            var existing = ReadManifest(root);
            if (existing == spec) return root;
            if (existing is null)
                throw new DataFormatException(root,
                    $"exists but holds no {ManifestFile}, so it is not a complete synthetic data set. Delete it, or choose another folder.");
        }
        Generate(root, spec, progress, cancellation);
        return root;
    }

    /// <summary>Generates <paramref name="spec"/> into <paramref name="root"/>, replacing a synthetic data set already there.</summary>
    public static void Generate(string root, SyntheticDatasetSpec spec, IProgress<int>? progress = null,
        CancellationToken cancellation = default)
    {
        root = Path.GetFullPath(root);
        if (Directory.Exists(root) && ReadManifest(root) is null && Directory.EnumerateFileSystemEntries(root).Any())
            throw new DataFormatException(root, $"is not empty and holds no {ManifestFile}; refusing to replace it. Choose an empty or new folder.");

        string parent = Path.GetDirectoryName(root)!;
        Directory.CreateDirectory(parent);
        string staging = Path.Combine(parent, $".{Path.GetFileName(root)}.partial-{Guid.NewGuid():N}");
        try
        {
            SyntheticFalconWriter.Write(staging, spec, progress, cancellation);
            AtomicFile.WriteAllText(Path.Combine(staging, ManifestFile),
                JsonSerializer.Serialize(spec, new JsonSerializerOptions { WriteIndented = true }));
            if (Directory.Exists(root)) Directory.Delete(root, recursive: true);
            Directory.Move(staging, root);
        }
        finally
        {
            if (Directory.Exists(staging)) Directory.Delete(staging, recursive: true);
        }
    }
}
