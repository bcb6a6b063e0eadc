namespace DesertSeg.Lab;

/// <summary>Where the workspace lives on disk: found from the current folder or from the library's own location.</summary>
public static class Workspace
{
    private const string SolutionFile = "DesertSeg.Lab.sln";

    /// <summary>
    /// The repository root (the folder holding DesertSeg.Lab.sln), searched upward from the current
    /// folder and then from the library's folder; the current folder when neither finds it.
    /// </summary>
    public static string Root { get; } = FindRoot();

    /// <summary>The folder for generated data (<c>data/</c>).</summary>
    public static string DataFolder => Path.Combine(Root, "data");

    /// <summary>The folder for training runs (<c>runs/</c>); DESERTSEG_RUNS overrides it.</summary>
    public static string RunsFolder => Environment.GetEnvironmentVariable("DESERTSEG_RUNS") is { Length: > 0 } runs
        ? Path.GetFullPath(runs) : Path.Combine(Root, "runs");

    /// <summary>
    /// The real Falcon sample images shipped beside the workspace (<c>../shared/falcon-samples</c>, or
    /// <c>shared/falcon-samples</c> inside it), or null where there are none (a user's own clone).
    /// </summary>
    public static string? FalconSamplesFolder =>
        new[] { Path.Combine(Root, "..", "shared", "falcon-samples"), Path.Combine(Root, "shared", "falcon-samples") }
            .Select(Path.GetFullPath).FirstOrDefault(Directory.Exists);

    /// <summary>The Color_Images folder of a split of the real samples ("train" or "test"), or null.</summary>
    public static string? FalconSampleImages(string split) =>
        FalconSamplesFolder is { } samples && Directory.Exists(Path.Combine(samples, split, "Color_Images"))
            ? Path.Combine(samples, split, "Color_Images") : null;

    private static string FindRoot()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory,
            Path.GetDirectoryName(typeof(Workspace).Assembly.Location) })
        {
            for (var dir = string.IsNullOrEmpty(start) ? null : new DirectoryInfo(start); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, SolutionFile))) return dir.FullName;
        }
        return Directory.GetCurrentDirectory();
    }
}
