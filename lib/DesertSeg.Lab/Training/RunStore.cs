using DesertSeg.Lab.Data;

namespace DesertSeg.Lab.Training;

/// <summary>
/// The runs folder. A run's folder name is its configuration's name plus a fingerprint of the
/// configuration and the data set, so the same configuration on the same data always maps to the same
/// folder: a finished run is found and reused instead of retrained.
/// </summary>
public sealed class RunStore(string folder)
{
    public string Folder { get; } = Path.GetFullPath(folder);

    public static RunStore Default => new(Workspace.RunsFolder);

    /// <summary>The folder a configuration trained on a data set lives in (it may not exist yet).</summary>
    public RunDirectory For(RunConfig config, string datasetFingerprint) =>
        new(Path.Combine(Folder, $"{config.Name}-{KeyOf(config, datasetFingerprint)}"));

    /// <summary>The part of a run's folder name that identifies what it computes on which data (10 hex digits).</summary>
    public static string KeyOf(RunConfig config, string datasetFingerprint) =>
        Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(
            System.Text.Encoding.UTF8.GetBytes(config.Fingerprint() + "|" + datasetFingerprint)))[..10].ToLowerInvariant();

    /// <summary>The runs of this configuration on this data under any name (the name comes from the phase, the key does
    /// not): e.g. Phase 5's run for the training of a run that only selects otherwise.</summary>
    public IReadOnlyList<RunDirectory> WithKeyOf(RunConfig config, string datasetFingerprint)
    {
        string key = KeyOf(config, datasetFingerprint);
        return !Directory.Exists(Folder) ? [] :
            Directory.EnumerateDirectories(Folder, "*-" + key).Select(d => new RunDirectory(d)).Where(r => r.Exists).ToList();
    }

    /// <summary>Resolves a run given by folder path or by name inside the runs folder.</summary>
    public RunDirectory Open(string nameOrPath)
    {
        var run = new RunDirectory(Directory.Exists(nameOrPath) ? nameOrPath : Path.Combine(Folder, nameOrPath));
        if (!run.Exists)
            throw new DataFormatException(run.Path, $"no run there (no config.json). Runs live in {Folder}.");
        return run;
    }

    /// <summary>Every run folder, newest first.</summary>
    public IReadOnlyList<RunDirectory> List() => !Directory.Exists(Folder) ? [] :
        Directory.EnumerateDirectories(Folder).Select(d => new RunDirectory(d)).Where(r => r.Exists)
            .OrderByDescending(r => File.GetLastWriteTimeUtc(r.StatusFile)).ToList();
}
