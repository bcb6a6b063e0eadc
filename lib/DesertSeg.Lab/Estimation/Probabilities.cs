namespace DesertSeg.Lab.Estimation;

/// <summary>Softmax probabilities of a sample's pixels, in double precision, each computed once per sample and temperature
/// (<see cref="PixelSample.PerPixel"/>): the arrays are the sample's own, to be read, never written.</summary>
public static class Probabilities
{
    /// <summary>Softmax of <paramref name="logits"/> / <paramref name="temperature"/> into <paramref name="probabilities"/>.</summary>
    public static void Softmax(ReadOnlySpan<float> logits, double temperature, Span<double> probabilities)
    {
        double max = double.NegativeInfinity;
        foreach (float z in logits) max = Math.Max(max, z);
        double sum = 0;
        for (int k = 0; k < logits.Length; k++) sum += probabilities[k] = Math.Exp((logits[k] - max) / temperature);
        for (int k = 0; k < logits.Length; k++) probabilities[k] /= sum;
    }

    /// <summary>All pixels' probabilities, pixel-major (N x C).</summary>
    public static double[] Of(PixelSample sample, double temperature = 1) =>
        sample.PerPixel($"softmax T={temperature:R}", sample.Classes, s =>
        {
            int c = s.Classes;
            var q = new double[s.Count * c];
            for (int i = 0; i < s.Count; i++) Softmax(s.LogitsOf(i), temperature, q.AsSpan(i * c, c));
            return q;
        });

    /// <summary>All pixels' probabilities under <paramref name="calibration"/>, pixel-major (N x C).</summary>
    public static double[] Of(PixelSample sample, Calibration calibration) =>
        calibration.Biases is null ? Of(sample, calibration.Temperature) : sample.PerPixel($"softmax {calibration.Key}", sample.Classes, s =>
        {
            int c = s.Classes;
            var q = new double[s.Count * c];
            for (int i = 0; i < s.Count; i++) calibration.Apply(s.LogitsOf(i), q.AsSpan(i * c, c));
            return q;
        });

    /// <summary>Each pixel's largest probability (the model's confidence in its prediction).</summary>
    public static double[] Confidence(PixelSample sample, double temperature = 1) => PerPixel(sample, "confidence", temperature, p =>
    {
        double max = 0;
        foreach (double v in p) max = Math.Max(max, v);
        return max;
    });

    /// <summary>Each pixel's negative entropy (in nats): 0 for a certain prediction, -ln C for a uniform one.</summary>
    public static double[] NegativeEntropy(PixelSample sample, double temperature = 1) => PerPixel(sample, "negative entropy", temperature, p =>
    {
        double sum = 0;
        foreach (double v in p) if (v > 0) sum += v * Math.Log(v);
        return sum;
    });

    private delegate double RowScore(ReadOnlySpan<double> probabilities);

    private static double[] PerPixel(PixelSample sample, string name, double temperature, RowScore score) =>
        sample.PerPixel($"{name} T={temperature:R}", 1, s =>
        {
            var q = Of(s, temperature);
            int c = s.Classes;
            var scores = new double[s.Count];
            for (int i = 0; i < scores.Length; i++) scores[i] = score(q.AsSpan(i * c, c));
            return scores;
        });
}
