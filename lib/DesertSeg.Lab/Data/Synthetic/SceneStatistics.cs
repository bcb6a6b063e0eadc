namespace DesertSeg.Lab.Data.Synthetic;

/// <summary>
/// Pixel statistics of a set of scenes (or real images): class shares from raw masks and mean RGB, to
/// compare environments with each other and with the report's Table 1.
/// </summary>
public sealed class SceneStatistics
{
    private readonly long[] _classPixels = new long[FalconClass.All.Count];
    private long _maskPixels, _otherValues, _imagePixels;
    private readonly double[] _rgbSum = new double[3];

    public int Images { get; private set; }

    public void AddMask(RawMask mask)
    {
        var index = new int[FalconClass.MaxRawValue + 1];
        Array.Fill(index, -1);
        for (int c = 0; c < FalconClass.All.Count; c++) index[FalconClass.All[c].RawValue] = c;
        foreach (ushort v in mask.Values)
        {
            int c = v <= FalconClass.MaxRawValue ? index[v] : -1;
            if (c >= 0) _classPixels[c]++;
            else _otherValues++;
        }
        _maskPixels += mask.Values.Length;
    }

    public void AddImage(RgbImage image)
    {
        var px = image.Pixels;
        long r = 0, g = 0, b = 0;
        for (int i = 0; i < px.Length; i += 3) { r += px[i]; g += px[i + 1]; b += px[i + 2]; }
        _rgbSum[0] += r; _rgbSum[1] += g; _rgbSum[2] += b;
        _imagePixels += px.Length / 3;
        Images++;
    }

    public void Add(RgbImage image, RawMask mask)
    {
        AddImage(image);
        AddMask(mask);
        if (image.Width != mask.Width || image.Height != mask.Height)
            throw new ArgumentException($"Image {image.Width}x{image.Height} and mask {mask.Width}x{mask.Height} differ in size.");
        var px = image.Pixels;
        var values = mask.Values;
        for (int i = 0; i < values.Length; i++)
        {
            int c = IndexOfRaw(values[i]);
            if (c < 0) continue;
            _classRgb[c, 0] += px[3 * i]; _classRgb[c, 1] += px[3 * i + 1]; _classRgb[c, 2] += px[3 * i + 2];
            _classRgbPixels[c]++;
        }
    }

    private readonly double[,] _classRgb = new double[FalconClass.All.Count, 3];
    private readonly long[] _classRgbPixels = new long[FalconClass.All.Count];

    /// <summary>Mean colour of the pixels of one class (scenes added with <see cref="Add"/>), or null if none.</summary>
    public (double R, double G, double B)? ClassMeanRgb(string className)
    {
        int c = IndexOf(className);
        long n = _classRgbPixels[c];
        return n == 0 ? null : (_classRgb[c, 0] / n, _classRgb[c, 1] / n, _classRgb[c, 2] / n);
    }

    private static int IndexOfRaw(ushort raw) => raw switch
    {
        100 => 0, 200 => 1, 300 => 2, 500 => 3, 550 => 4, 600 => 5, 700 => 6, 800 => 7, 7100 => 8, 10000 => 9, _ => -1,
    };

    /// <summary>Share of mask pixels (0..1) holding a class, by name.</summary>
    public double Share(string className) =>
        _maskPixels == 0 ? 0 : _classPixels[IndexOf(className)] / (double)_maskPixels;

    /// <summary>Mask pixels holding a value that is none of the ten classes (should be 0).</summary>
    public long UnknownValues => _otherValues;

    public long ClassPixels(string className) => _classPixels[IndexOf(className)];

    /// <summary>Mean R, G, B over all image pixels.</summary>
    public (double R, double G, double B) MeanRgb => _imagePixels == 0
        ? (0, 0, 0)
        : (_rgbSum[0] / _imagePixels, _rgbSum[1] / _imagePixels, _rgbSum[2] / _imagePixels);

    private static int IndexOf(string name)
    {
        for (int c = 0; c < FalconClass.All.Count; c++)
            if (string.Equals(FalconClass.All[c].Name, name, StringComparison.OrdinalIgnoreCase)) return c;
        throw new ArgumentException($"Unknown class '{name}'.");
    }

    /// <summary>Table 1 of the report: share of pixels (percent) per class, training and test sets.</summary>
    public static IReadOnlyDictionary<string, (double Train, double Test)> ReportTable1 { get; } =
        new Dictionary<string, (double, double)>
        {
            ["Trees"] = (3.5, 0.3), ["Lush Bushes"] = (5.9, 0.002), ["Dry Grass"] = (18.9, 17.4),
            ["Dry Bushes"] = (1.1, 3.0), ["Ground Clutter"] = (4.4, 0), ["Flowers"] = (2.8, 0),
            ["Logs"] = (0.08, 0), ["Rocks"] = (1.2, 18.1), ["Landscape"] = (24.4, 43.2), ["Sky"] = (37.6, 18.0),
        };

    /// <summary>The report's mean RGB of the training and test sets.</summary>
    public static (int R, int G, int B) ReportTrainMeanRgb => (149, 130, 107);
    public static (int R, int G, int B) ReportTestMeanRgb => (123, 105, 94);
}
