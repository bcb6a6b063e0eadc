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

    /// <summary>Table 7: per-class IoU of the final 7-class model, validation and test (test with TTA).</summary>
    public static IReadOnlyDictionary<string, (double Val, double Test)> ClassIoU { get; } =
        new Dictionary<string, (double, double)>
        {
            ["Sky"] = (0.986, 0.983),
            ["Landscape"] = (0.687, 0.625),
            ["Trees"] = (0.874, 0.505),
            ["Dry Bushes"] = (0.520, 0.498),
            ["Dry Grass"] = (0.708, 0.475),
            ["Rocks"] = (0.566, 0.046),
            ["Lush Bushes"] = (0.724, 0.001),
        };

    /// <summary>Table 6: final model (ResNet-101, 7 classes) accuracy and speed.</summary>
    public static class Table6
    {
        public const double ValMeanIoU = 0.7459;
        public const double TestMeanIoU = 0.4435;
        public const double TestMeanIoUTta = 0.4475;
        public const long Parameters = 45_671_255;
        public const double ModelSizeMB = 183;
        public const double MsPerImage = 23.8;
        public const double MsPerImageTta = 136.3;
        public const double PeakVramGB = 4.8;
        public const string Hardware = "NVIDIA RTX 5050 Laptop GPU, bf16 autocast, 512x896";
    }

    /// <summary>Tables 2, 8, 9 and 10: validation and test mIoU of the phases and ablations.</summary>
    public static class Ablation
    {
        public const double Phase2Val = 0.6487, Phase2Test = 0.43;
        public const double Phase3Val = 0.6834, Phase3Test = 0.310, Phase3SuppressedTest = 0.4401;
        public const double Phase5Val = Table6.ValMeanIoU, Phase5Test = Table6.TestMeanIoU, Phase5TtaTest = Table6.TestMeanIoUTta;
        public const double ExtremeAugmentationTest = 0.4386, MergedClassesTest = 0.4380;
        /// <summary>Table 9 gives "~.44" for Rocks weight 8x, OHEM, CutMix and ChannelShuffle+ToGray.</summary>
        public const double OtherFailedIdeasTest = 0.44;
    }

    /// <summary>Table 10: GPU hours of each phase (the TTA row is inference time).</summary>
    public static class Hours
    {
        public const double Phase2 = 1.5, Phase3 = 5.5, Phase4 = 3.0, Phase5 = 3.5, Tta = 0.04;
    }

    /// <summary>Section 6.1: share of test Rocks pixels the 10-class model predicted as Ground Clutter.</summary>
    public const double TestRocksAsGroundClutter = 0.61;
}
