using OpenCvSharp;

namespace DesertSeg.Lab.Evaluation.Corruptions;

/// <summary>
/// ImageNet-C's clipped_zoom: a centred crop of ceil(side / zoom) pixels is enlarged by <c>zoom</c> with
/// scipy.ndimage.zoom(order=1) (output round(side * zoom), corners aligned) and the centre cut back to the original size.
/// Done per axis (the reference only has square images) as one bilinear warp.
/// </summary>
internal static class ClippedZoom
{
    /// <summary>The image zoomed about its centre, same size.</summary>
    public static Mat Apply(Mat image, double zoom)
    {
        int cropWidth = (int)Math.Ceiling(image.Cols / zoom), cropHeight = (int)Math.Ceiling(image.Rows / zoom);
        return Zoom(image, (image.Cols - cropWidth) / 2, (image.Rows - cropHeight) / 2, cropWidth, cropHeight,
            zoom, image.Cols, image.Rows);
    }

    /// <summary>
    /// The crop (left, top, cropWidth x cropHeight) of <paramref name="source"/> enlarged by <paramref name="zoom"/> as scipy
    /// does, then its centre width x height; the crop need not be smaller than the output (zoom below 1 works too).
    /// </summary>
    public static Mat Zoom(Mat source, int left, int top, int cropWidth, int cropHeight, double zoom, int width, int height)
    {
        int zoomedWidth = Math.Max(1, (int)Math.Round(cropWidth * zoom)), zoomedHeight = Math.Max(1, (int)Math.Round(cropHeight * zoom));
        int trimLeft = (zoomedWidth - width) / 2, trimTop = (zoomedHeight - height) / 2;
        double ax = zoomedWidth > 1 ? (cropWidth - 1.0) / (zoomedWidth - 1) : 0;
        double ay = zoomedHeight > 1 ? (cropHeight - 1.0) / (zoomedHeight - 1) : 0;
        // Output pixel (x, y) reads source (left + (x + trimLeft) * ax, top + (y + trimTop) * ay).
        using var m = new Mat(2, 3, MatType.CV_64FC1);
        m.Set(0, 0, ax); m.Set(0, 1, 0.0); m.Set(0, 2, left + trimLeft * ax);
        m.Set(1, 0, 0.0); m.Set(1, 1, ay); m.Set(1, 2, top + trimTop * ay);
        var result = new Mat();
        Cv2.WarpAffine(source, result, m, new Size(width, height), InterpolationFlags.Linear | InterpolationFlags.WarpInverseMap,
            BorderTypes.Replicate);
        return result;
    }
}
