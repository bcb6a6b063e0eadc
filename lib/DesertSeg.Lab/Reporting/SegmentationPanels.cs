using DesertSeg.Lab.Data;
using DesertSeg.Lab.IO;
using OpenCvSharp;

namespace DesertSeg.Lab.Reporting;

/// <summary>Pictures of predictions: colour masks blended over images, and labelled side-by-side panels.</summary>
public static class SegmentationPanels
{
    /// <summary>The image blended with the colour mask: alpha * colour + (1 - alpha) * image.</summary>
    public static RgbImage Overlay(RgbImage image, RawMask mask, double alpha = 0.5)
    {
        if (image.Width != mask.Width || image.Height != mask.Height)
            throw new ArgumentException($"Image {image.Width}x{image.Height} and mask {mask.Width}x{mask.Height} differ in size.");
        var color = MaskFiles.Colorize(mask);
        var blended = new RgbImage(image.Width, image.Height);
        var (a, b, c) = (image.Pixels, color.Pixels, blended.Pixels);
        for (int i = 0; i < c.Length; i++) c[i] = (byte)Math.Round(alpha * b[i] + (1 - alpha) * a[i]);
        return blended;
    }

    /// <summary>
    /// Panels side by side, each with its caption in a strip above it, separated by a white gap. Panels of
    /// another size are resized to the first one's.
    /// </summary>
    public static RgbImage SideBySide(IReadOnlyList<(string Caption, RgbImage Image)> panels)
    {
        if (panels.Count == 0) throw new ArgumentException("No panels to compose.");
        int w = panels[0].Image.Width, h = panels[0].Image.Height;
        const int gap = 8;
        int strip = Math.Max(22, h / 16);
        using var canvas = new Mat(h + strip, panels.Count * w + (panels.Count - 1) * gap, MatType.CV_8UC3, Scalar.White);
        double fontScale = strip / 34.0;
        for (int p = 0; p < panels.Count; p++)
        {
            var (caption, image) = panels[p];
            using var mat = ImageFiles.FromBytes(image.Pixels, image.Width, image.Height, MatType.CV_8UC3);
            using var sized = new Mat();
            if (image.Width != w || image.Height != h) Cv2.Resize(mat, sized, new Size(w, h), 0, 0, InterpolationFlags.Nearest);
            else mat.CopyTo(sized);
            int x = p * (w + gap);
            using (var roi = new Mat(canvas, new Rect(x, strip, w, h))) sized.CopyTo(roi);
            Cv2.PutText(canvas, caption, new Point(x + 6, (int)(strip * 0.75)), HersheyFonts.HersheySimplex, fontScale, Scalar.Black, 1,
                LineTypes.AntiAlias);
        }
        return new RgbImage(canvas.Width, canvas.Height, ImageFiles.ToBytes(canvas));
    }

    /// <summary>Image | truth | prediction (colour masks); without truth, image | overlay | prediction.</summary>
    public static RgbImage Compare(RgbImage image, RawMask? truth, RawMask prediction, string predictionCaption = "prediction") =>
        SideBySide(truth is null
            ? [("image", image), ("overlay", Overlay(image, prediction)), (predictionCaption, MaskFiles.Colorize(prediction))]
            : [("image", image), ("ground truth", MaskFiles.Colorize(truth)), (predictionCaption, MaskFiles.Colorize(prediction))]);

    /// <summary>A PNG of the image, e.g. to embed in HTML.</summary>
    public static byte[] ToPng(RgbImage image)
    {
        using var rgb = ImageFiles.FromBytes(image.Pixels, image.Width, image.Height, MatType.CV_8UC3);
        using var bgr = new Mat();
        Cv2.CvtColor(rgb, bgr, ColorConversionCodes.RGB2BGR);
        Cv2.ImEncode(".png", bgr, out var png);
        return png;
    }

    /// <summary>Scales an image down so that its width is at most <paramref name="maxWidth"/> (area interpolation).</summary>
    public static RgbImage Shrink(RgbImage image, int maxWidth)
    {
        if (image.Width <= maxWidth) return image;
        int h = Math.Max(1, (int)Math.Round((double)image.Height * maxWidth / image.Width));
        using var mat = ImageFiles.FromBytes(image.Pixels, image.Width, image.Height, MatType.CV_8UC3);
        using var small = new Mat();
        Cv2.Resize(mat, small, new Size(maxWidth, h), 0, 0, InterpolationFlags.Area);
        return new RgbImage(maxWidth, h, ImageFiles.ToBytes(small));
    }
}
