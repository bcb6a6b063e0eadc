using DesertSeg.Lab.Data;

namespace DesertSeg.Lab.Evaluation;

/// <summary>One scored image: its own confusion matrix (for per-image IoU and ranking) and where its files are.</summary>
/// <param name="Id">File name without extension.</param>
/// <param name="ImagePath">The image, when known (prediction folders scored against bare masks have none).</param>
/// <param name="MaskPath">The ground-truth mask.</param>
/// <param name="PredictionPath">The prediction file, when the prediction came from a folder.</param>
/// <param name="Confusion">This image's pixels by (truth, prediction).</param>
public sealed record ImageScore(string Id, string? ImagePath, string MaskPath, string? PredictionPath, ConfusionMatrix Confusion)
{
    private SegmentationMetrics? _metrics;

    /// <summary>Labelled pixels of the image (ignore excluded).</summary>
    public long Pixels => Confusion.Total;

    /// <summary>This image's metrics; null when every pixel is ignored.</summary>
    public SegmentationMetrics? Metrics => Pixels == 0 ? null : _metrics ??= Confusion.Metrics();

    /// <summary>
    /// The image's mIoU (over the classes present in its truth or prediction), the ranking key for the
    /// best and worst images; null when every pixel is ignored.
    /// </summary>
    public double? MeanIoU => Metrics?.MeanIoU;

    public double? PixelAccuracy => Metrics?.PixelAccuracy;
}

/// <summary>
/// A split scored one way: the confusion matrix accumulated over all its images (the original's mIoU) and
/// every image's own matrix.
/// </summary>
/// <param name="Split">Split name ("test", or the folder's name).</param>
/// <param name="Protocol">Resolution of the comparison.</param>
/// <param name="Scheme">The class space of the matrix.</param>
/// <param name="Method">How predictions were made, e.g. "phase5-quick, single scale, no suppression" or "prediction files in DIR".</param>
/// <param name="Confusion">Pixels by (truth, prediction) over the whole split.</param>
/// <param name="Images">Per-image scores, in file order.</param>
/// <param name="InputHeight">Model input height for <see cref="ScoringProtocol.InputSize"/>; 0 when not applicable.</param>
/// <param name="InputWidth">Model input width.</param>
public sealed record SplitScore(
    string Split,
    ScoringProtocol Protocol,
    ClassScheme Scheme,
    string Method,
    ConfusionMatrix Confusion,
    IReadOnlyList<ImageScore> Images,
    int InputHeight = 0,
    int InputWidth = 0)
{
    private SegmentationMetrics? _metrics;

    /// <summary>Split metrics; throws <see cref="InvalidOperationException"/> when no labelled pixel was scored.</summary>
    public SegmentationMetrics Metrics => _metrics ??= Confusion.Metrics();

    /// <summary>Everything a table or chart needs to say what these numbers are.</summary>
    public string Label => $"{Split}: {Method}; scored at {Resolution}, {Scheme.Name}";

    /// <summary>The scoring resolution in words: prediction files are scored as they are.</summary>
    public string Resolution => Images.Count > 0 && Images[0].PredictionPath is not null
        ? "the prediction files' own resolution"
        : Protocol.Describe(InputHeight, InputWidth);

    /// <summary>IoU of a class by name; null when the class had neither truth nor prediction pixels.</summary>
    public double? IoU(string className)
    {
        int i = Scheme.IndexOf(className);
        if (i < 0)
            throw new KeyNotFoundException(
                $"Class '{className}' is not in the {Scheme.Name} scheme ({string.Join(", ", Scheme.ClassNames)}).");
        return Metrics.IoU[i];
    }
}
