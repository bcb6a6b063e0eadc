namespace DesertSeg.Lab.Data.Audit;

/// <summary>A file the audit could not use, and why.</summary>
public sealed record AuditProblem(string Path, string Problem)
{
    public override string ToString() => $"{Path}: {Problem}";
}

/// <summary>Pixels of one class in one split, and their mean colour (the report's "grey, mossy" vs "brown" rocks).</summary>
public sealed record ClassPixels(FalconClass Class, long Pixels, double Share, double[]? MeanRgb)
{
    /// <summary>Share in percent, as Table 1 gives it.</summary>
    public double Percent => Share * 100;
}

/// <summary>What the audit found in one split (report sections 1.2-1.4 and 7.2).</summary>
public sealed record SplitAudit(
    string Split,
    int Pairs,
    IReadOnlyList<string> ImagesWithoutMask,
    IReadOnlyList<string> MasksWithoutImage,
    int ImagesRead,
    int MasksRead,
    IReadOnlyDictionary<string, int> ImageSizes,
    IReadOnlyDictionary<string, int> MaskFormats,
    IReadOnlyDictionary<int, long> MaskValueCounts,
    IReadOnlyList<ClassPixels> Classes,
    double[] MeanRgb,
    long[][] RgbHistograms,
    IReadOnlyList<AuditProblem> Problems)
{
    /// <summary>Pixels whose mask value belongs to no class (these become ignore).</summary>
    public long UnknownValuePixels => MaskValueCounts.Where(kv => FalconClass.ByRawValue(kv.Key) is null).Sum(kv => kv.Value);

    /// <summary>Mask values that belong to no class, in ascending order.</summary>
    public IReadOnlyList<int> UnknownValues =>
        MaskValueCounts.Keys.Where(v => FalconClass.ByRawValue(v) is null).Order().ToList();

    public long MaskPixels => MaskValueCounts.Values.Sum();

    public bool HasMasks => MasksRead > 0;

    /// <summary>Classes with no pixel in this split (only meaningful where masks were read).</summary>
    public IReadOnlyList<string> AbsentClasses =>
        HasMasks ? Classes.Where(c => c.Pixels == 0).Select(c => c.Class.Name).ToList() : [];

    public ClassPixels this[string className] =>
        Classes.First(c => string.Equals(c.Class.Name, className, StringComparison.OrdinalIgnoreCase));
}
