namespace DesertSeg.Lab.Data;

/// <summary>The folder names of the Falcon "Offroad Segmentation" data set.</summary>
public static class FalconLayout
{
    public const string TrainingRoot = "Offroad_Segmentation_Training_Dataset";
    public const string TestRoot = "Offroad_Segmentation_testImages";
    public const string Images = "Color_Images";
    public const string Masks = "Segmentation";

    public const string Train = "train";
    public const string Val = "val";
    public const string Test = "test";

    /// <summary>Where each split of the Falcon layout lives, relative to the data set root.</summary>
    public static IReadOnlyList<(string Split, string RelativeFolder)> SplitFolders { get; } =
    [
        (Train, Path.Combine(TrainingRoot, Train)),
        (Val, Path.Combine(TrainingRoot, Val)),
        (Test, TestRoot),
    ];

    /// <summary>The layout, in words, for error messages.</summary>
    public const string Description =
        "expected the Falcon layout (" + TrainingRoot + "/{train,val}/{" + Images + "," + Masks + "}/ and " +
        TestRoot + "/{" + Images + "," + Masks + "}/), a folder with " + Images + " (and optionally " + Masks +
        "), or a folder of images";
}
