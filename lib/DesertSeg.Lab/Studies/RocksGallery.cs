using DesertSeg.Lab.Data;
using DesertSeg.Lab.Evaluation;
using DesertSeg.Lab.Inference;
using DesertSeg.Lab.Reporting.Charts;

namespace DesertSeg.Lab.Studies;

/// <summary>The lab's picture of Rocks: the same test images predicted by two methods.</summary>
public static class RocksGallery
{
    /// <summary>
    /// Before and after on the test images with the most Rocks pixels: image | truth | <paramref name="before"/> |
    /// <paramref name="after"/>, each prediction at native resolution, captioned with both images' Rocks IoU.
    /// </summary>
    public static IReadOnlyList<GalleryItem> BeforeAfter(AdaptationStudy lab, AdaptationResult before, AdaptationResult after,
        int count = 3)
    {
        int rocks = before.Test.Scheme.IndexOf("Rocks");
        var images = before.Test.Images.OrderByDescending(i => i.Confusion.Metrics().TruePixels[rocks])
            .ThenBy(i => i.Id, StringComparer.Ordinal).Take(count).ToList();
        using var a = lab.PredictorOf(before);
        using var b = lab.PredictorOf(after);
        var items = new List<GalleryItem>();
        foreach (var image in images)
        {
            var rgb = IO.ImageFiles.ReadRgb(image.ImagePath!);
            var truth = IO.MaskFiles.ReadRaw(image.MaskPath);
            var pa = a.PredictRaw(rgb);
            var pb = b.PredictRaw(rgb);
            double? RocksIoU(Predictor p, RawMask raw)
            {
                var m = new ConfusionMatrix(p.Scheme.Count);
                m.Add(p.Scheme.Remap(raw.Values), p.Scheme.Remap(truth.Values));
                return m.Metrics().IoU[rocks];
            }
            var panel = Reporting.SegmentationPanels.SideBySide([("image", rgb), ("ground truth", IO.MaskFiles.Colorize(truth)),
                (before.Method, IO.MaskFiles.Colorize(pa)), (after.Method, IO.MaskFiles.Colorize(pb))]);
            string caption = $"{image.Id}: Rocks IoU {RocksIoU(a, pa):F3} ({before.Method}) -> {RocksIoU(b, pb):F3} ({after.Method})";
            items.Add(new GalleryItem(image.Id, null, caption, Reporting.SegmentationPanels.Shrink(panel, 1800)));
        }
        return items;
    }
}
