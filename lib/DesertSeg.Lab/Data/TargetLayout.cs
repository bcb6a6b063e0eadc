namespace DesertSeg.Lab.Data;

/// <summary>
/// Where the embedded data set keeps its target domain (scenes of the test environment that are not the test
/// scenes): <c>root/Target_Domain/unlabelled/Color_Images/</c> for adaptation (no masks) and
/// <c>root/Target_Domain/oracle/{Color_Images,Segmentation}/</c> with labels, used only to train the oracle, and
/// <c>root/Target_Domain/oracle_val/{Color_Images,Segmentation}/</c>, other labelled scenes on which the oracle's epoch is
/// selected (its own domain, as the source model's is selected on the source val split).
/// Outside the Falcon layout, so a real Falcon folder is never mistaken for having one.
/// </summary>
public static class TargetLayout
{
    public const string Root = "Target_Domain";
    public const string Unlabelled = "unlabelled";
    public const string Oracle = "oracle";
    public const string OracleVal = "oracle_val";

    /// <summary>The folder of unlabelled target scenes (it holds Color_Images).</summary>
    public static string UnlabelledFolder(string datasetRoot) => Path.Combine(datasetRoot, Root, Unlabelled);

    /// <summary>The folder of labelled target scenes for the oracle (it holds Color_Images and Segmentation).</summary>
    public static string OracleFolder(string datasetRoot) => Path.Combine(datasetRoot, Root, Oracle);

    /// <summary>The folder of labelled target scenes the oracle's epoch is selected on (apart from its training and test
    /// scenes).</summary>
    public static string OracleValFolder(string datasetRoot) => Path.Combine(datasetRoot, Root, OracleVal);
}
