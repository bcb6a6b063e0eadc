using DesertSeg.Lab.Data;
using DesertSeg.Lab.IO;
using DesertSeg.Lab.Reporting;

namespace DesertSeg.Lab.Inference;

/// <summary>What <see cref="PredictionWriter"/> wrote for a split.</summary>
public sealed record PredictionRun(string OutputFolder, int Images, int Comparisons, PredictionOptions Options);

/// <summary>
/// Predicts every image of a split at its own resolution and writes, under the output folder:
/// <c>raw/ID.png</c> (16-bit raw class values, the ground-truth format), <c>color/ID.png</c> (palette),
/// <c>overlay/ID.png</c> (image blended with the colour mask) and, where the split has ground truth,
/// <c>compare/ID.png</c> (image | truth | prediction).
/// </summary>
public static class PredictionWriter
{
    public const string Raw = "raw", Color = "color", Overlay = "overlay", Compare = "compare";

    public static PredictionRun Write(Predictor predictor, DataSplit split, string outputFolder, PredictionOptions? options = null,
        IProgress<int>? progress = null, CancellationToken cancellation = default)
    {
        options ??= PredictionOptions.Plain;
        if (split.Count == 0) throw new DataFormatException(split.ImageFolder, $"split '{split.Name}' has no images to predict.");
        outputFolder = Path.GetFullPath(outputFolder);
        // Every input is checked before the first output is written: a bad file found late leaves no half-written folder.
        foreach (var pair in split.Pairs) ImageFiles.CheckHeader(pair.ImagePath);
        int comparisons = 0;
        for (int i = 0; i < split.Count; i++)
        {
            cancellation.ThrowIfCancellationRequested();
            var pair = split.Pairs[i];
            var image = ImageFiles.ReadRgb(pair.ImagePath);
            var prediction = predictor.PredictRaw(image, options);
            MaskFiles.WriteRaw(Path.Combine(outputFolder, Raw, pair.Id + ".png"), prediction);
            MaskFiles.WriteColor(Path.Combine(outputFolder, Color, pair.Id + ".png"), prediction);
            ImageFiles.WriteRgb(Path.Combine(outputFolder, Overlay, pair.Id + ".png"), SegmentationPanels.Overlay(image, prediction));
            if (pair.MaskPath is not null)
            {
                var truth = MaskFiles.ReadRaw(pair.MaskPath);
                if (truth.Width != image.Width || truth.Height != image.Height)
                    throw new DataFormatException(pair.MaskPath,
                        $"mask is {truth.Width}x{truth.Height} but its image {pair.ImagePath} is {image.Width}x{image.Height}.");
                ImageFiles.WriteRgb(Path.Combine(outputFolder, Compare, pair.Id + ".png"),
                    SegmentationPanels.Compare(image, truth, prediction));
                comparisons++;
            }
            progress?.Report(i + 1);
        }
        return new PredictionRun(outputFolder, split.Count, comparisons, options);
    }
}
