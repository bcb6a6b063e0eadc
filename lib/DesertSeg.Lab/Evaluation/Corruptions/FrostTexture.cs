using OpenCvSharp;

namespace DesertSeg.Lab.Evaluation.Corruptions;

/// <summary>
/// A procedural stand-in for the frost photographs ImageNet-C overlays (frost1..frost5 of the reference, which this library
/// does not ship): feathery ice crystals (needles with side branches at about 60 degrees) over plasma-fractal cloudiness
/// and fine grain, sharpened, then standardised to the photographs' average statistics (grey mean about 162, standard
/// deviation about 28 of 255) and tinted to their average colour (R, G, B means about 146, 167, 179). It is drawn on a
/// canvas whose shorter side is 224, the scale at which the reference crops the photographs, and resized to the image.
/// </summary>
internal static class FrostTexture
{
    private const float GreyMean = 162f / 255f, GreySd = 28f / 255f;
    private static readonly float[] Tint = [146f / 164f, 167f / 164f, 179f / 164f];

    /// <summary>Interleaved RGB frost, 0..255 floats, width x height.</summary>
    public static float[] Create(int width, int height, double scale, Random random)
    {
        int w = Math.Max(8, (int)Math.Round(width / scale)), h = Math.Max(8, (int)Math.Round(height / scale));
        var normal = new NormalSampler(random);

        using var cloud = PlasmaFractal.Field(w, h, 1.0, 2.0, random);
        using var crystals = new Mat(h, w, MatType.CV_32FC1, Scalar.All(0));
        int seeds = w * h / 120;
        for (int s = 0; s < seeds; s++)
        {
            double x = normal.Uniform(-16, w + 16), y = normal.Uniform(-16, h + 16);
            double angle = normal.Uniform(0, 2 * Math.PI), length = normal.Uniform(8, 26);
            float brightness = (float)normal.Uniform(0.35, 1.0);
            Needle(crystals, x, y, angle, length, brightness);
            double step = normal.Uniform(2.5, 4.0);
            for (double t = step; t < length; t += step)
            {
                double bx = x + t * Math.Cos(angle), by = y + t * Math.Sin(angle), branch = (length - t) * normal.Uniform(0.3, 0.6);
                double spread = normal.Uniform(45, 70) * Math.PI / 180;
                Needle(crystals, bx, by, angle + spread, branch, brightness * 0.8f);
                Needle(crystals, bx, by, angle - spread, branch, brightness * 0.8f);
            }
        }

        using var soft = new Mat();
        Cv2.GaussianBlur(crystals, soft, new Size(0, 0), 0.6);
        using var wide = new Mat();
        Cv2.GaussianBlur(soft, wide, new Size(0, 0), 2.0);
        var ice = CorruptionPixels.ToArray(soft);
        var halo = CorruptionPixels.ToArray(wide);
        var haze = CorruptionPixels.ToArray(cloud);
        var grey = new float[w * h];
        double sum = 0, sumSq = 0;
        for (int i = 0; i < grey.Length; i++)
        {
            float sharpened = ice[i] + 0.8f * (ice[i] - halo[i]);
            float v = 0.55f * haze[i] + 0.75f * sharpened + 0.6f * halo[i] + (float)(0.05 * normal.Next());
            grey[i] = v;
            sum += v;
            sumSq += (double)v * v;
        }
        double mean = sum / grey.Length, sd = Math.Sqrt(Math.Max(sumSq / grey.Length - mean * mean, 1e-12));

        var rgb = new float[w * h * 3];
        for (int i = 0; i < grey.Length; i++)
        {
            float v = Math.Clamp((float)((grey[i] - mean) / sd) * GreySd + GreyMean, 0f, 1f);
            for (int c = 0; c < 3; c++) rgb[3 * i + c] = Math.Min(v * Tint[c], 1f) * 255f;
        }
        if (w == width && h == height) return rgb;
        using var canvas = CorruptionPixels.ToMat(rgb, w, h, 3);
        using var resized = new Mat();
        bool shrinking = w > width || h > height;
        Cv2.Resize(canvas, resized, new Size(width, height), 0, 0, shrinking ? InterpolationFlags.Area : InterpolationFlags.Linear);
        return CorruptionPixels.ToArray(resized);
    }

    private static void Needle(Mat canvas, double x, double y, double angle, double length, float brightness)
    {
        const int shift = 4; // sub-pixel end points, 1/16 pixel
        const double unit = 1 << shift;
        var from = new Point((int)Math.Round(x * unit), (int)Math.Round(y * unit));
        var to = new Point((int)Math.Round((x + length * Math.Cos(angle)) * unit), (int)Math.Round((y + length * Math.Sin(angle)) * unit));
        Cv2.Line(canvas, from, to, Scalar.All(brightness), 1, LineTypes.Link8, shift);
    }
}
