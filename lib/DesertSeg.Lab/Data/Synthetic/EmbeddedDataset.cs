namespace DesertSeg.Lab.Data.Synthetic;

/// <summary>
/// The workspace's default data set: synthetic desert scenes in the Falcon layout, generated on first
/// use into <c>data/falcon-synthetic</c> (or DESERTSEG_DATA). The writer records its manifest last,
/// so an interrupted generation is never taken for a complete one and is simply redone.
/// </summary>
public static class EmbeddedDataset
{
    /// <summary>Where the embedded data set lives.</summary>
    public static string DefaultRoot => Environment.GetEnvironmentVariable("DESERTSEG_DATA") is { Length: > 0 } data
        ? Path.GetFullPath(data)
        : Path.Combine(Workspace.DataFolder, "falcon-synthetic");

    /// <summary>Whether <paramref name="root"/> (default: <see cref="DefaultRoot"/>) holds the complete default data set.</summary>
    public static bool IsReady(string? root = null, SyntheticDatasetSpec? spec = null) =>
        SyntheticFalconWriter.IsComplete(root ?? DefaultRoot, spec ?? SyntheticDatasetSpec.Default);

    /// <summary>
    /// Returns the root of a complete synthetic data set made with <paramref name="spec"/> (default:
    /// <see cref="SyntheticDatasetSpec.Default"/>), generating it first when it is missing, incomplete,
    /// or was made with another spec. <paramref name="progress"/> counts scenes written; scenes that
    /// <paramref name="donor"/> (a complete generation) already rendered are copied from it (<see cref="SyntheticFalconWriter.Write"/>).
    /// </summary>
    public static string Ensure(string? root = null, SyntheticDatasetSpec? spec = null,
        IProgress<int>? progress = null, CancellationToken cancellation = default, string? donor = null)
    {
        root = Path.GetFullPath(root ?? DefaultRoot);
        spec ??= SyntheticDatasetSpec.Default;
        if (SyntheticFalconWriter.IsComplete(root, spec)) return root;
        // Two processes (two trainings of the plan, two notebooks) may want the same set: one writes, the other waits and then
        // finds it complete. The operating system drops the lock of a process that ends, however it ends.
        using (IO.FileLock.Acquire(root.TrimEnd(Path.DirectorySeparatorChar) + ".lock", cancellation))
        {
            if (!SyntheticFalconWriter.IsComplete(root, spec))
                SyntheticFalconWriter.Write(root, spec, progress, cancellation, donor);
        }
        return root;
    }
}
