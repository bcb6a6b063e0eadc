using DesertSeg.Lab.Data;
using OpenCvSharp;

namespace DesertSeg.Lab.Evaluation.Corruptions;

/// <summary>
/// ImageNet-C snow. A snow layer of N(mu, sd) noise is zoomed by z (<see cref="ClippedZoom"/>: flakes z pixels across),
/// values below t are zeroed, it is clipped and truncated to bytes and motion-blurred (radius r, sigma g) at an angle drawn
/// uniformly from [-135, -45) degrees. The image is whitened, x' = w x + (1 - w) max(x, 1.5 grey(x) + 0.5) (grey: OpenCV's
/// RGB to grey weights), and the layer is added twice, once turned by 180 degrees: clip(x' + L + rot180(L)).
/// Published (mu, sd, z, t, r, g, w) = (0.1, 0.3, 3, 0.5, 10, 4, 0.8), (0.2, 0.3, 2, 0.5, 12, 4, 0.7),
/// (0.55, 0.3, 4, 0.9, 12, 8, 0.7), (0.55, 0.3, 4.5, 0.85, 12, 8, 0.65), (0.55, 0.3, 2.5, 0.85, 12, 12, 0.55) for
/// 224 x 224. Spatial, so scaled by (shorter side / 224): the layer's zoom z (the flake size, so that an image holds as many
/// flakes as at 224) and the blur's r and g. The rest is photometric and kept. Deviations: the motion blur is
/// <see cref="LineBlur"/>, an approximation of ImageMagick's; the noise is drawn directly at the size of the zoomed crop
/// (the same distribution as cropping a full-size noise layer, and it also allows zooms below 1 on images under 224).
/// </summary>
public sealed class Snow : Corruption
{
    private static readonly (double Mean, double Sd, double Zoom, double Threshold, double Radius, double Sigma, double Weight)[]
        Parameters =
        [
            (0.1, 0.3, 3, 0.5, 10, 4, 0.8),
            (0.2, 0.3, 2, 0.5, 12, 4, 0.7),
            (0.55, 0.3, 4, 0.9, 12, 8, 0.7),
            (0.55, 0.3, 4.5, 0.85, 12, 8, 0.65),
            (0.55, 0.3, 2.5, 0.85, 12, 12, 0.55),
        ];

    /// <inheritdoc/>
    public override string Name => "snow";

    /// <inheritdoc/>
    public override CorruptionFamily Family => CorruptionFamily.Weather;

    /// <inheritdoc/>
    public override RgbImage Apply(RgbImage image, int severity, int seed)
    {
        var c = Parameters[CorruptionPixels.Level(severity)];
        int width = image.Width, height = image.Height;
        double scale = CorruptionPixels.SpatialScale(width, height);
        var normal = new NormalSampler(new Random(seed));

        double zoom = c.Zoom * scale;
        int noiseWidth = (int)Math.Ceiling(width / zoom), noiseHeight = (int)Math.Ceiling(height / zoom);
        var noise = new float[noiseWidth * noiseHeight];
        for (int i = 0; i < noise.Length; i++) noise[i] = (float)(c.Mean + c.Sd * normal.Next());
        float[] layer;
        using (var noiseMat = CorruptionPixels.ToMat(noise, noiseWidth, noiseHeight, 1))
        using (var zoomed = ClippedZoom.Zoom(noiseMat, 0, 0, noiseWidth, noiseHeight, zoom, width, height))
            layer = CorruptionPixels.ToArray(zoomed);
        for (int i = 0; i < layer.Length; i++)
        {
            float v = layer[i] < c.Threshold ? 0f : Math.Min(layer[i], 1f);
            layer[i] = (int)(v * 255f) / 255f; // the reference truncates the layer to bytes before ImageMagick
        }

        double angle = normal.Uniform(-135, -45);
        var streaks = LineBlur.Apply(layer, width, height, 1, c.Radius * scale, c.Sigma * scale, angle);
        for (int i = 0; i < streaks.Length; i++) streaks[i] = MathF.Round(streaks[i] * 255f) / 255f; // ImageMagick's 8-bit output

        var x = CorruptionPixels.ToUnit(image);
        float w = (float)c.Weight;
        int n = width * height;
        for (int p = 0; p < n; p++)
        {
            float r = x[3 * p], g = x[3 * p + 1], b = x[3 * p + 2];
            float whiten = (0.299f * r + 0.587f * g + 0.114f * b) * 1.5f + 0.5f;
            float snow = streaks[p] + streaks[n - 1 - p];
            x[3 * p] = w * r + (1 - w) * Math.Max(r, whiten) + snow;
            x[3 * p + 1] = w * g + (1 - w) * Math.Max(g, whiten) + snow;
            x[3 * p + 2] = w * b + (1 - w) * Math.Max(b, whiten) + snow;
        }
        return CorruptionPixels.FromUnit(x, width, height);
    }
}
