using System.Security.Cryptography;
using System.Text;
using DesertSeg.Lab.Data;
using DesertSeg.Lab.Evaluation.Corruptions;
using DesertSeg.Lab.IO;

namespace DesertSeg.Lab.Evaluation.Robustness;

/// <summary>
/// A split corrupted by one corruption at one severity ("val-C"), generated once and cached on disk in the Falcon
/// layout (Color_Images and Segmentation), so that scoring it again reads files instead of corrupting again. Each
/// image's seed comes from its file name, the corruption and the severity only. A folder counts as complete when its
/// manifest, written last, names the same source images and <see cref="Version"/>.
/// <para>Where the corruption acts: by default at the images' own resolution (960x540 for Falcon), as a camera's noise,
/// blur and compression would; the model then sees them downsampled to its input (3.75x at the quick scale's 256x144),
/// which averages noise and JPEG blocks away, so a severity is milder here than ImageNet-C's at 224 px. With
/// <c>corruptAt</c> each image is first area-resized to the model's input and corrupted there, as ImageNet-C corrupts at
/// the size the classifier reads. The lab's tables and the estimation families use the camera's resolution.</para>
/// </summary>
public static class CorruptedSplits
{
    /// <summary>Bump when a corruption's output changes: cached folders of another version are made again.</summary>
    public const int Version = 1;

    private const string ManifestName = "corrupted.json";

    /// <summary>Where corrupted splits are cached: data/corrupted in the workspace, or DESERTSEG_CORRUPTED.</summary>
    public static string DefaultCache => Environment.GetEnvironmentVariable("DESERTSEG_CORRUPTED") is { Length: > 0 } folder
        ? Path.GetFullPath(folder)
        : Path.Combine(Workspace.DataFolder, "corrupted");

    /// <summary>The corrupted copy of <paramref name="split"/> (its images and masks; unlabelled images are left out),
    /// made if missing.</summary>
    /// <param name="cache">The cache folder (default <see cref="DefaultCache"/>).</param>
    /// <param name="corruptAt">Width and height to area-resize each image (and nearest-resize its mask) to before
    /// corrupting it (the model's input size); null: corrupt at the images' own resolution.</param>
    public static DataSplit Ensure(DataSplit split, Corruption corruption, int severity, string? cache = null,
        CancellationToken cancellation = default, (int Width, int Height)? corruptAt = null)
    {
        if (severity is < 1 or > 5) throw new ArgumentOutOfRangeException(nameof(severity), $"Severities run from 1 to 5, got {severity}.");
        split = split.RequireComplete();
        string identity = Identity(split);
        string at = corruptAt is { } size ? $"-at{size.Width}x{size.Height}" : "";
        string folder = Path.Combine(FolderOfSource(split, cache, identity), $"{corruption.Name}-{severity}{at}");
        string manifest = Path.Combine(folder, ManifestName);
        string expected = $"{identity}|{corruption.Name}|{severity}|{Version}{at}";
        if (!File.Exists(manifest) || File.ReadAllText(manifest) != expected)
        {
            if (File.Exists(manifest)) File.Delete(manifest);
            Directory.CreateDirectory(Path.Combine(folder, FalconLayout.Images));
            Directory.CreateDirectory(Path.Combine(folder, FalconLayout.Masks));
            Parallel.ForEach(split.Pairs, IO.BoundedParallelism.Options(cancellation), pair =>
            {
                int seed = Seed(pair.Id, corruption.Name, severity);
                var (clean, cleanMask) = (ImageFiles.ReadRgb(pair.ImagePath), MaskFiles.ReadRaw(pair.MaskPath!));
                if (corruptAt is { } to) (clean, cleanMask) = (ImageFiles.Resize(clean, to.Width, to.Height), cleanMask.ResizeNearest(to.Width, to.Height));
                var image = corruption.Apply(clean, severity, seed);
                var mask = corruption.ApplyToMask(cleanMask, severity, seed);
                string name = pair.Id + ".png";
                ImageFiles.WriteRgb(Path.Combine(folder, FalconLayout.Images, name), image);
                MaskFiles.WriteRaw(Path.Combine(folder, FalconLayout.Masks, name), mask);
            });
            AtomicFile.WriteAllText(manifest, expected);
        }
        var corrupted = FalconDataset.Open(folder).Splits[0];
        return corrupted with { Name = $"{split.Name}-C {corruption.Name} {severity}" };
    }

    /// <summary>The cache folder of one source split (its corrupted copies, and its clean scores, live below it).</summary>
    public static string FolderOfSource(DataSplit split, string? cache = null, string? identity = null) =>
        Path.Combine(cache ?? DefaultCache, $"{split.Name}-{(identity ?? Identity(split.RequireComplete()))[..12]}");

    /// <summary>The folder holding a split's Color_Images (and Segmentation).</summary>
    public static string FolderOf(DataSplit split) =>
        Path.GetDirectoryName(Path.GetDirectoryName(split.Pairs[0].ImagePath)!)!;

    /// <summary>The seed of one image's corruption: stable across runs, machines and thread schedules.</summary>
    public static int Seed(string imageId, string corruption, int severity) =>
        BitConverter.ToInt32(SHA256.HashData(Encoding.UTF8.GetBytes($"{imageId}|{corruption}|{severity}")), 0) & 0x7FFFFFFF;

    /// <summary>The source split's files by name, size and write time: a changed image makes new corrupted copies.</summary>
    private static string Identity(DataSplit split)
    {
        var text = new StringBuilder();
        foreach (var pair in split.Pairs)
        {
            var image = new FileInfo(pair.ImagePath);
            var mask = new FileInfo(pair.MaskPath!);
            text.Append(image.FullName).Append(':').Append(image.Length).Append(':').Append(image.LastWriteTimeUtc.Ticks)
                .Append('|').Append(mask.Length).Append(':').Append(mask.LastWriteTimeUtc.Ticks).Append('\n');
        }
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString()))).ToLowerInvariant();
    }
}
