using OpenCvSharp;

namespace DesertSeg.Lab.Adaptation;

/// <summary>Per-channel statistics of images in CIE L*a*b*, and Reinhard's transfer of them.</summary>
public static class ColourStatistics
{
    /// <summary>Mean and standard deviation of L*, a*, b* (OpenCV's float scale: L 0..100) of an 8-bit RGB image.</summary>
    public static (double[] Mean, double[] Std) Of(Mat rgb)
    {
        using var lab = ToLab(rgb);
        Cv2.MeanStdDev(lab, out var mean, out var std);
        return ([mean.Val0, mean.Val1, mean.Val2], [std.Val0, std.Val1, std.Val2]);
    }

    /// <summary>Gives <paramref name="rgb"/> (8-bit RGB, changed in place) the L*a*b* mean and deviation of
    /// <paramref name="target"/>.</summary>
    public static void Transfer(Mat rgb, Mat target)
    {
        var (sourceMean, sourceStd) = Of(rgb);
        var (targetMean, targetStd) = Of(target);
        using var lab = ToLab(rgb);
        var channels = Cv2.Split(lab);
        try
        {
            for (int c = 0; c < 3; c++)
            {
                // A flat channel (std 0) is only shifted.
                double scale = sourceStd[c] > 1e-6 ? targetStd[c] / sourceStd[c] : 1.0;
                channels[c].ConvertTo(channels[c], MatType.CV_32F, scale, targetMean[c] - sourceMean[c] * scale);
            }
            Cv2.Merge(channels, lab);
        }
        finally
        {
            foreach (var m in channels) m.Dispose();
        }
        Cv2.CvtColor(lab, lab, ColorConversionCodes.Lab2RGB);
        lab.ConvertTo(rgb, MatType.CV_8UC3, 255.0); // saturating
    }

    private static Mat ToLab(Mat rgb)
    {
        var lab = new Mat();
        rgb.ConvertTo(lab, MatType.CV_32FC3, 1.0 / 255);
        Cv2.CvtColor(lab, lab, ColorConversionCodes.RGB2Lab);
        return lab;
    }
}
