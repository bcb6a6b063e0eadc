using DesertSeg.Lab.Data;

namespace DesertSeg.Lab.Adaptation;

/// <summary>
/// The unlabelled target images a run or an adapted checkpoint was made with: the folder's name (for people), the
/// images' content hash (what identifies them in a run's key), and whether they may include scored images.
/// </summary>
public sealed record TargetBinding(string Name, string Fingerprint, bool Transductive)
{
    public override string ToString() => $"{(Transductive ? "transductive " : "")}{Name} {Fingerprint}";
}

/// <summary>Where a data set's unlabelled target images come from: the one way every command, run and study finds them.</summary>
public static class TargetDomain
{
    /// <summary>
    /// The target images for <paramref name="data"/>: <paramref name="folder"/>, else the data set's own
    /// (<see cref="TargetLayout.UnlabelledFolder"/>), opened and checked whole, and checked disjoint from its test split
    /// unless <paramref name="transductive"/>.
    /// </summary>
    /// <exception cref="DataFormatException">A missing or empty folder, or a file that does not decode (named).</exception>
    /// <exception cref="TargetOverlapException">A target image is a test image and the run is not transductive.</exception>
    public static TargetImages Open(FalconDataset data, string? folder, bool transductive)
    {
        var target = TargetImages.Open(folder ?? TargetLayout.UnlabelledFolder(data.Root));
        if (data.HasSplit(FalconLayout.Test)) target.CheckDisjointFrom(data[FalconLayout.Test], transductive);
        return target;
    }
}
