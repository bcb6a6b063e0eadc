namespace DesertSeg.Lab.Reporting;

/// <summary>
/// The numbers the original report gives, in one place, so that every table and chart can show the
/// workspace's measurement beside the report's.
/// </summary>
public static class ReportedNumbers
{
    /// <summary>Table 1: percent of pixels per class, training vs test split.</summary>
    public static IReadOnlyDictionary<string, (double Train, double Test)> ClassSharePercent { get; } =
        new Dictionary<string, (double, double)>
        {
            ["Trees"] = (3.5, 0.3),
            ["Lush Bushes"] = (5.9, 0.002),
            ["Dry Grass"] = (18.9, 17.4),
            ["Dry Bushes"] = (1.1, 3.0),
            ["Ground Clutter"] = (4.4, 0),
            ["Flowers"] = (2.8, 0),
            ["Logs"] = (0.08, 0),
            ["Rocks"] = (1.2, 18.1),
            ["Landscape"] = (24.4, 43.2),
            ["Sky"] = (37.6, 18.0),
        };

    /// <summary>Section 1.4: mean RGB of the training and test images.</summary>
    public static readonly double[] MeanRgbTrain = [149, 130, 107];
    public static readonly double[] MeanRgbTest = [123, 105, 94];

    /// <summary>Section 1.2: images per split.</summary>
    public static IReadOnlyDictionary<string, int> SplitSizes { get; } =
        new Dictionary<string, int> { ["train"] = 2857, ["val"] = 317, ["test"] = 1002 };
}
