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
    public RunDirectory For(RunConfig config, string datasetFingerprint)
    {
        string id = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(
            System.Text.Encoding.UTF8.GetBytes(config.Fingerprint() + "|" + datasetFingerprint)))[..10].ToLowerInvariant();
        return new RunDirectory(Path.Combine(Folder, $"{config.Name}-{id}"));
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
