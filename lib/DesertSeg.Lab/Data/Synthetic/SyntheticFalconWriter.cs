using System.Security.Cryptography;
using System.Text.Json;
using DesertSeg.Lab.IO;

namespace DesertSeg.Lab.Data.Synthetic;

/// <summary>
/// Writes a synthetic data set in the exact Falcon layout:
/// <c>root/Offroad_Segmentation_Training_Dataset/{train,val}/{Color_Images,Segmentation}/</c> and
/// <c>root/Offroad_Segmentation_testImages/{Color_Images,Segmentation}/</c>, and beside it the target domain of
/// <see cref="TargetLayout"/> (unlabelled and oracle scenes of the test environment); images are RGB PNGs, masks
/// single-channel 16-bit PNGs of raw class values under the same file name. Train/val files are named like
/// <c>cc0000013.png</c> (prefixes cc, mt, ww, w0), test files like <c>0000060.png</c>.
/// Every file is written atomically, and <see cref="ManifestFileName"/> is written last, so a folder without
/// a matching manifest is an interrupted (or foreign) generation.
/// </summary>
public static class SyntheticFalconWriter
{
    public const string ManifestFileName = "synthetic.json";

    /// <summary>Present while a generation runs (and after one was interrupted): marks the folder as the writer's own.</summary>
    public const string PartialFileName = "synthetic.partial.json";

    /// <summary>Changes whenever the generator's output changes, so callers can tell stale data sets apart.</summary>
    public const int GeneratorVersion = 5;

    private static readonly string[] Prefixes = ["cc", "mt", "ww", "w0"];

    public enum Split { Train, Val, Test, TargetUnlabelled, TargetTrain, TargetVal }

    /// <summary>The folder holding a split's Color_Images and Segmentation folders.</summary>
    public static string SplitFolder(string root, Split split) => split switch
    {
        Split.Train => Path.Combine(root, FalconLayout.TrainingRoot, FalconLayout.Train),
        Split.Val => Path.Combine(root, FalconLayout.TrainingRoot, FalconLayout.Val),
        Split.TargetUnlabelled => TargetLayout.UnlabelledFolder(root),
        Split.TargetTrain => TargetLayout.OracleFolder(root),
        Split.TargetVal => TargetLayout.OracleValFolder(root),
        _ => Path.Combine(root, FalconLayout.TestRoot),
    };

    private static bool HasMasks(Split split) => split != Split.TargetUnlabelled;

    /// <summary>File name of the index-th scene of a split (the same for image and mask).</summary>
    public static string FileName(SyntheticDatasetSpec spec, Split split, int index)
    {
        if (split == Split.Test) return $"{60 + index:D7}.png";
        if (split == Split.TargetUnlabelled) return $"u{index:D7}.png";
        if (split == Split.TargetTrain) return $"o{index:D7}.png";
        if (split == Split.TargetVal) return $"v{index:D7}.png";
        // Train and val share one numbering (as frames of the same sequences), so names never collide.
        int g = split == Split.Train ? index : spec.TrainCount + index;
        return $"{Prefixes[g % Prefixes.Length]}{g / Prefixes.Length + 1:D7}.png";
    }

    /// <summary>The seed of one scene: a function of the data set seed, the split and the index only.</summary>
    public static int SceneSeed(SyntheticDatasetSpec spec, Split split, int index) =>
        (int)(Rng.Mix(spec.Seed, (int)split, index) & 0x7FFFFFFF);

    public static DesertEnvironment EnvironmentOf(Split split) =>
        split is Split.Test or Split.TargetUnlabelled or Split.TargetTrain or Split.TargetVal
            ? DesertEnvironment.Test
            : DesertEnvironment.Training;

    /// <summary>The environment of one scene: the test desert for test-environment splits, else training environment i mod K.</summary>
    public static DesertEnvironment EnvironmentOf(SyntheticDatasetSpec spec, Split split, int index) =>
        split is Split.Train or Split.Val && spec.Environments > 1
            ? RandomisedEnvironments.Get(index % spec.Environments, spec.Environments, spec.EnvironmentSeed ?? spec.Seed, spec.HeldOut)
            : EnvironmentOf(split);

    /// <summary>
    /// Generates the whole data set under <paramref name="root"/> in parallel (one scene per core at a time).
    /// <paramref name="progress"/> receives the number of scenes done so far. Output is identical whatever the
    /// thread scheduling. <paramref name="root"/> must be empty or hold an earlier (complete or interrupted)
    /// generation: its files are replaced, and files the new spec does not name are removed, so the folder
    /// ends up holding exactly this data set. A folder holding anything else is refused (<see cref="IOException"/>).
    /// </summary>
    /// <param name="donor">A complete generation whose scenes this one shares (the multi-environment data sets share every
    /// test scene and the training desert's own scenes with the default one): a scene that the donor rendered from the same
    /// environment, seed and size is copied instead of rendered again, after its decoded pixels and labels are checked
    /// against the hash the donor recorded for them (a scene that fails the check is rendered). The result is the same
    /// files and fingerprint as without a donor.</param>
    /// <returns>How many scenes were copied from <paramref name="donor"/>.</returns>
    public static int Write(string root, SyntheticDatasetSpec spec, IProgress<int>? progress = null, CancellationToken ct = default,
        string? donor = null)
    {
        ArgumentNullException.ThrowIfNull(spec);
        spec.Validate();
        string manifestPath = Path.Combine(root, ManifestFileName);
        string partialPath = Path.Combine(root, PartialFileName);
        Directory.CreateDirectory(root);

        var jobs = new List<(Split Split, int Index)>(spec.TotalCount);
        for (int i = 0; i < spec.TrainCount; i++) jobs.Add((Split.Train, i));
        for (int i = 0; i < spec.ValCount; i++) jobs.Add((Split.Val, i));
        for (int i = 0; i < spec.TestCount; i++) jobs.Add((Split.Test, i));
        for (int i = 0; i < spec.TargetCount; i++) jobs.Add((Split.TargetUnlabelled, i));
        for (int i = 0; i < spec.OracleCount; i++) jobs.Add((Split.TargetTrain, i));
        for (int i = 0; i < spec.OracleValCount; i++) jobs.Add((Split.TargetVal, i));

        // Only a folder this writer made (or an empty one) is written into: same-named files are replaced,
        // and a real data set must never be overwritten or mixed with synthetic scenes.
        bool ours = File.Exists(manifestPath) || File.Exists(partialPath);
        var folders = Enum.GetValues<Split>()
            .SelectMany(split => (HasMasks(split) ? new[] { FalconLayout.Images, FalconLayout.Masks } : [FalconLayout.Images])
                .Select(f => (split, Path.Combine(SplitFolder(root, split), f))))
            .ToList();
        if (!ours)
        {
            var foreign = folders.Where(f => Directory.Exists(f.Item2))
                .SelectMany(f => Directory.EnumerateFiles(f.Item2)).FirstOrDefault();
            if (foreign != null)
                throw new IOException($"{root}: holds files that the synthetic writer did not make (e.g. {foreign}). " +
                                      "Generate into an empty folder, or one generated before.");
        }
        AtomicFile.WriteAllText(partialPath, JsonSerializer.Serialize(spec, JsonOptions));
        if (File.Exists(manifestPath)) File.Delete(manifestPath); // incomplete until written again
        foreach (var (split, folder) in folders)
        {
            Directory.CreateDirectory(folder);
            // Files of an earlier, larger generation (or temporaries of an interrupted one) go.
            var keep = jobs.Where(j => j.Split == split).Select(j => FileName(spec, split, j.Index)).ToHashSet();
            foreach (var file in Directory.EnumerateFiles(folder).ToList())
                if (!keep.Contains(Path.GetFileName(file))) File.Delete(file);
        }

        var hashes = new byte[jobs.Count][];
        var generator = new SceneGenerator(spec.Width, spec.Height);
        var donated = Donor(donor, spec);
        int done = 0, copies = 0;
        var options = IO.BoundedParallelism.Options(ct);
        Parallel.For(0, jobs.Count, options, j =>
        {
            var (split, index) = jobs[j];
            string folder = SplitFolder(root, split), name = FileName(spec, split, index);
            if (donated is { } from && CopyScene(from, spec, split, index, folder, name) is { } copied)
            {
                hashes[j] = copied;
                Interlocked.Increment(ref copies);
            }
            else hashes[j] = RenderScene(generator, spec, split, index, folder, name);
            progress?.Report(Interlocked.Increment(ref done));
        });
        ct.ThrowIfCancellationRequested();

        var manifest = new SyntheticManifest(GeneratorVersion, spec, Fingerprint(hashes),
            jobs.Select((job, j) => (job, j)).ToDictionary(x => SceneKey(x.job.Split, x.job.Index), x => Convert.ToHexString(hashes[x.j])));
        AtomicFile.WriteAllText(manifestPath, JsonSerializer.Serialize(manifest, JsonOptions));
        File.Delete(partialPath);
        return copies;
    }

    private static byte[] RenderScene(SceneGenerator generator, SyntheticDatasetSpec spec, Split split, int index, string folder,
        string name)
    {
        var (image, mask) = generator.Render(EnvironmentOf(spec, split, index), SceneSeed(spec, split, index));
        ImageFiles.WriteRgb(Path.Combine(folder, FalconLayout.Images, name), image);
        if (HasMasks(split)) MaskFiles.WriteRaw(Path.Combine(folder, FalconLayout.Masks, name), mask);
        return HashScene(name, image, mask);
    }

    /// <summary>A complete donor generation of this generator version and image size with recorded scene hashes, or null.</summary>
    private static (string Root, SyntheticManifest Manifest)? Donor(string? root, SyntheticDatasetSpec spec)
    {
        if (root is null || ReadManifest(root) is not { } manifest) return null;
        if (manifest.GeneratorVersion != GeneratorVersion || manifest.SceneHashes is null) return null;
        return manifest.Spec.Width == spec.Width && manifest.Spec.Height == spec.Height ? (root, manifest) : null;
    }

    /// <summary>
    /// Copies the donor's rendering of this scene when it has one (same environment, seed and file name; a split with masks,
    /// whose labels the hash covers) whose decoded files hash to what the donor recorded; returns the scene's hash, or null.
    /// </summary>
    private static byte[]? CopyScene((string Root, SyntheticManifest Manifest) donor, SyntheticDatasetSpec spec, Split split,
        int index, string folder, string name)
    {
        var theirs = donor.Manifest.Spec;
        if (!HasMasks(split) || !donor.Manifest.SceneHashes!.TryGetValue(SceneKey(split, index), out string? recorded)
            || FileName(theirs, split, index) != name || SceneSeed(theirs, split, index) != SceneSeed(spec, split, index)
            || EnvironmentOf(theirs, split, index) != EnvironmentOf(spec, split, index)) return null;
        string theirFolder = SplitFolder(donor.Root, split);
        string imagePath = Path.Combine(theirFolder, FalconLayout.Images, name), maskPath = Path.Combine(theirFolder, FalconLayout.Masks, name);
        byte[] imageBytes, maskBytes, hash;
        try
        {
            imageBytes = File.ReadAllBytes(imagePath);
            maskBytes = File.ReadAllBytes(maskPath);
            hash = HashScene(name, ImageFiles.ReadRgb(imagePath), MaskFiles.ReadRaw(maskPath));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or DataFormatException)
        {
            return null;
        }
        if (Convert.ToHexString(hash) != recorded) return null;
        AtomicFile.WriteAllBytes(Path.Combine(folder, FalconLayout.Images, name), imageBytes);
        AtomicFile.WriteAllBytes(Path.Combine(folder, FalconLayout.Masks, name), maskBytes);
        return hash;
    }

    private static string SceneKey(Split split, int index) => $"{split}/{index}";

    /// <summary>The manifest of a generated folder, or null when there is none (never generated, or interrupted).</summary>
    public static SyntheticManifest? ReadManifest(string root)
    {
        string path = Path.Combine(root, ManifestFileName);
        if (!File.Exists(path)) return null;
        try { return JsonSerializer.Deserialize<SyntheticManifest>(File.ReadAllText(path), JsonOptions); }
        catch (JsonException) { return null; }
    }

    /// <summary>Whether the folder holds a complete data set of this spec from this generator version.</summary>
    public static bool IsComplete(string root, SyntheticDatasetSpec spec)
    {
        var m = ReadManifest(root);
        return m is not null && m.GeneratorVersion == GeneratorVersion && m.Spec == spec;
    }

    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true };

    private static byte[] HashScene(string name, RgbImage image, RawMask mask)
    {
        using var h = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        h.AppendData(System.Text.Encoding.UTF8.GetBytes(name));
        h.AppendData(image.Pixels);
        h.AppendData(System.Runtime.InteropServices.MemoryMarshal.AsBytes(mask.Values.AsSpan()));
        return h.GetHashAndReset();
    }

    private static string Fingerprint(byte[][] hashes)
    {
        using var h = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var x in hashes) h.AppendData(x);
        return Convert.ToHexString(h.GetHashAndReset()).ToLowerInvariant();
    }
}

/// <summary>What <c>synthetic.json</c> records: generator version, spec, a SHA-256 over every scene's pixels and labels, and
/// each scene's own hash by split and index (absent in folders written before it was recorded: they cannot be donors).</summary>
public sealed record SyntheticManifest(int GeneratorVersion, SyntheticDatasetSpec Spec, string Fingerprint,
    IReadOnlyDictionary<string, string>? SceneHashes = null);
