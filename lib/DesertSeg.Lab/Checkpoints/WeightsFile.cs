using System.Security.Cryptography;

namespace DesertSeg.Lab.Checkpoints;

/// <summary>
/// A weights file a run started from, by file name and SHA-256 of its bytes: what a run folder's config
/// records (ImageNet encoder weights, the parent phase's checkpoint), so that the folder says exactly what it
/// was trained from and a different file gives a different run.
/// </summary>
public sealed record WeightsFile(string Name, string Sha256)
{
    /// <summary>Names and hashes the file at <paramref name="path"/>.</summary>
    /// <param name="name">How the config names it; the file name when null.</param>
    public static WeightsFile Of(string path, string? name = null)
    {
        if (!File.Exists(path)) throw new CheckpointException(path, "file not found.");
        using var stream = File.OpenRead(path);
        return new WeightsFile(name ?? Path.GetFileName(path), Convert.ToHexString(SHA256.HashData(stream)).ToLowerInvariant());
    }

    /// <summary>Throws unless the file at <paramref name="path"/> has this hash.</summary>
    public void Verify(string path)
    {
        var actual = Of(path);
        if (actual.Sha256 != Sha256)
            throw new CheckpointException(path,
                $"is not the file this run was configured with ({Name}, SHA-256 {Sha256[..12]}...; this one is {actual.Sha256[..12]}...).");
    }

    public override string ToString() => $"{Name} (sha256 {Sha256[..12]})";
}
