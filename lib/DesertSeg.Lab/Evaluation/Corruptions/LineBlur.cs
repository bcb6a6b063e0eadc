using System.Numerics;

namespace DesertSeg.Lab.Evaluation.Corruptions;

/// <summary>
/// An approximation of ImageMagick's MotionBlurImage, which ImageNet-C calls through Wand for motion_blur and snow: a
/// one-sided line kernel of 2 * ceil(radius) + 1 taps along a ray at <c>angle</c> degrees (x right, y down), tap i at the
/// pixel nearest to i * (cos angle, sin angle) with weight exp(-i^2 / (2 sigma^2)), normalised; pixels beyond the border
/// repeat the edge (ImageMagick's default virtual pixels). It is computed in float rather than in ImageMagick's quanta.
/// </summary>
internal static class LineBlur
{
    /// <summary>Blurs interleaved values with <paramref name="channels"/> channels; returns a new array.</summary>
    public static float[] Apply(float[] source, int width, int height, int channels, double radius, double sigma, double angleDegrees)
    {
        int taps = 2 * (int)Math.Ceiling(Math.Max(radius, 0)) + 1;
        sigma = Math.Max(sigma, 1e-3);
        var weights = new float[taps];
        var dx = new int[taps];
        var dy = new int[taps];
        double angle = angleDegrees * Math.PI / 180, cos = Math.Cos(angle), sin = Math.Sin(angle), total = 0;
        for (int i = 0; i < taps; i++) total += Math.Exp(-(double)i * i / (2 * sigma * sigma));
        for (int i = 0; i < taps; i++)
        {
            weights[i] = (float)(Math.Exp(-(double)i * i / (2 * sigma * sigma)) / total);
            dx[i] = (int)Math.Ceiling(i * cos - 0.5);
            dy[i] = (int)Math.Ceiling(i * sin - 0.5);
        }

        var result = new float[source.Length];
        int stride = width * channels;
        for (int t = 0; t < taps; t++)
        {
            float w = weights[t];
            if (w < 1e-7f) continue;
            int ox = dx[t];
            // Columns whose source x + ox lies inside the image; the rest repeat the edge column.
            int inFirst = Math.Clamp(-ox, 0, width), inLast = Math.Clamp(width - 1 - ox, -1, width - 1);
            for (int y = 0; y < height; y++)
            {
                int sy = Math.Clamp(y + dy[t], 0, height - 1);
                var dst = result.AsSpan(y * stride, stride);
                var src = source.AsSpan(sy * stride, stride);
                for (int x = 0; x < Math.Min(inFirst, width); x++)
                    for (int c = 0; c < channels; c++) dst[x * channels + c] += w * src[c];
                if (inLast >= inFirst)
                {
                    int count = (inLast - inFirst + 1) * channels;
                    AddScaled(dst.Slice(inFirst * channels, count), src.Slice((inFirst + ox) * channels, count), w);
                }
                for (int x = Math.Max(inLast + 1, inFirst); x < width; x++)
                    for (int c = 0; c < channels; c++) dst[x * channels + c] += w * src[(width - 1) * channels + c];
            }
        }
        return result;
    }

    private static void AddScaled(Span<float> dst, ReadOnlySpan<float> src, float w)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var wv = new Vector<float>(w);
            for (; i <= dst.Length - Vector<float>.Count; i += Vector<float>.Count)
                (new Vector<float>(dst.Slice(i)) + wv * new Vector<float>(src.Slice(i))).CopyTo(dst.Slice(i));
        }
        for (; i < dst.Length; i++) dst[i] += w * src[i];
    }
}
