namespace DesertSeg.Lab.Data;

/// <summary>An image and, where the split has ground truth, its mask (same file name).</summary>
public sealed record SamplePair(string Id, string ImagePath, string? MaskPath);

/// <summary>
/// One split of a data set: the pairs found, plus files that have no partner. A split without a mask
/// folder is image-only (test images to predict on).
/// </summary>
public sealed record DataSplit(
    string Name,
    string ImageFolder,
    string? MaskFolder,
    IReadOnlyList<SamplePair> Pairs,
    IReadOnlyList<string> ImagesWithoutMask,
    IReadOnlyList<string> MasksWithoutImage)
{
    public bool HasMasks => MaskFolder is not null;

    public int Count => Pairs.Count;

    /// <summary>
    /// For training and scoring: every image needs its mask and every mask its image. Throws with the
    /// first unpaired file named (and how many more there are).
    /// </summary>
    public DataSplit RequireComplete()
    {
        if (Pairs.Count == 0 && ImagesWithoutMask.Count == 0)
            throw new DataFormatException(ImageFolder, "no images (.png/.jpg) in this folder.");
        if (MaskFolder is null)
            throw new DataFormatException(ImageFolder,
                $"split '{Name}' has no Segmentation folder beside Color_Images, so it has no ground truth.");
        if (ImagesWithoutMask.Count > 0)
            throw new DataFormatException(ImagesWithoutMask[0],
                $"image has no mask of the same name in {MaskFolder}" + More(ImagesWithoutMask.Count));
        if (MasksWithoutImage.Count > 0)
            throw new DataFormatException(MasksWithoutImage[0],
                $"mask has no image of the same name in {ImageFolder}" + More(MasksWithoutImage.Count));
        return this;
    }

    /// <summary>
    /// At most <paramref name="count"/> pairs, evenly spaced over the split (so a small subset still spans
    /// the whole sequence of frames); the split itself when it has no more than that.
    /// </summary>
    public DataSplit Subset(int? count)
    {
        if (count is not { } n || n >= Pairs.Count) return this;
        if (n <= 0) throw new ArgumentException($"A subset of split '{Name}' needs at least one pair, got {n}.");
        var chosen = Enumerable.Range(0, n).Select(i => Pairs[(int)((long)i * Pairs.Count / n)]).ToList();
        return this with { Pairs = chosen };
    }

    private static string More(int count) => count > 1 ? $" (and {count - 1} more files like it)." : ".";
}
