using OpenCvSharp;

namespace DesertSeg.Lab.Evaluation.Corruptions;

/// <summary>
/// The diamond-square height map ImageNet-C's fog uses (its plasma_fractal): a periodic square map whose side is a power of
/// two, each halving of the step adding uniform perturbations of amplitude wibble^2 around the mean of the four neighbours,
/// with wibble divided by <c>decay</c> at every halving; finally shifted and scaled to 0..1.
/// </summary>
internal static class PlasmaFractal
{
    /// <summary>The reference's map side for a 224 x 224 image.</summary>
    public const int ReferenceMapSize = 256;

    /// <summary>A size x size map in 0..1 (size a power of two), row by row.</summary>
    public static float[] Square(int size, double decay, Random random)
    {
        if (size < 2 || (size & (size - 1)) != 0) throw new ArgumentException($"Plasma map size {size} is not a power of two.");
        var map = new double[size * size];
        int mask = size - 1;
        double wibble = 100;
        for (int step = size; step >= 2; step /= 2, wibble /= decay)
        {
            int half = step / 2;
            // Squares: the centre of each step x step cell from its four corners.
            for (int y = 0; y < size; y += step)
                for (int x = 0; x < size; x += step)
                {
                    int y1 = (y + step) & mask, x1 = (x + step) & mask;
                    double sum = map[y * size + x] + map[y * size + x1] + map[y1 * size + x] + map[y1 * size + x1];
                    map[(y + half) * size + x + half] = sum / 4 + wibble * (wibble * (2 * random.NextDouble() - 1));
                }
            // Diamonds: the edge midpoints from the two corners and the two centres beside them.
            for (int y = 0; y < size; y += step)
                for (int x = 0; x < size; x += step)
                {
                    // (y, x + half): corners left and right, centres below and above.
                    int xr = (x + step) & mask, yUp = (y - half) & mask;
                    double top = map[y * size + x] + map[y * size + xr]
                        + map[(y + half) * size + x + half] + map[yUp * size + x + half];
                    map[y * size + x + half] = top / 4 + wibble * (wibble * (2 * random.NextDouble() - 1));
                    // (y + half, x): corners above and below, centres right and left.
                    int yd = (y + step) & mask, xLeft = (x - half) & mask;
                    double left = map[y * size + x] + map[yd * size + x]
                        + map[(y + half) * size + x + half] + map[(y + half) * size + xLeft];
                    map[(y + half) * size + x] = left / 4 + wibble * (wibble * (2 * random.NextDouble() - 1));
                }
        }
        double min = map.Min(), range = map.Max() - min;
        var result = new float[map.Length];
        for (int i = 0; i < map.Length; i++) result[i] = range > 0 ? (float)((map[i] - min) / range) : 0f;
        return result;
    }

    /// <summary>
    /// A width x height field in 0..1 whose features are <paramref name="scale"/> times the reference's: the top-left
    /// (width / scale) x (height / scale) of a map at least 256 on a side (the reference crops 224 x 224 of a 256 map),
    /// resized to width x height.
    /// </summary>
    public static Mat Field(int width, int height, double scale, double decay, Random random)
    {
        int regionWidth = Math.Max(1, (int)Math.Ceiling(width / scale));
        int regionHeight = Math.Max(1, (int)Math.Ceiling(height / scale));
        int size = ReferenceMapSize;
        while (size < Math.Max(regionWidth, regionHeight)) size *= 2;
        var square = Square(size, decay, random);
        using var map = CorruptionPixels.ToMat(square, size, size, 1);
        using var region = new Mat(map, new Rect(0, 0, regionWidth, regionHeight));
        var field = new Mat();
        bool shrinking = regionWidth > width || regionHeight > height;
        Cv2.Resize(region, field, new Size(width, height), 0, 0, shrinking ? InterpolationFlags.Area : InterpolationFlags.Linear);
        return field;
    }
}
