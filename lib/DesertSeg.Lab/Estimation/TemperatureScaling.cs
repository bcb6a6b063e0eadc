using MathNet.Numerics.Optimization;

namespace DesertSeg.Lab.Estimation;

/// <summary>
/// Temperature scaling (Guo et al., ICML 2017): the one scalar T that minimises the negative log-likelihood of the true
/// classes under softmax(z / T) on labelled validation pixels. It changes no prediction, only how confident they are.
/// </summary>
public static class TemperatureScaling
{
    /// <summary>The fitted temperature, searched on log T in [0.05, 20] (golden section; the NLL is convex in 1/T).</summary>
    /// <exception cref="ArgumentException">The sample has no labelled pixels.</exception>
    public static double Fit(PixelSample labelled)
    {
        var labels = labelled.Labels ?? throw new ArgumentException("Temperature scaling needs labelled pixels.");
        var scored = Enumerable.Range(0, labelled.Count).Where(i => labels[i] < labelled.Classes).ToArray();
        if (scored.Length == 0) throw new ArgumentException("Temperature scaling needs labelled pixels; every pixel is ignored.");
        var result = GoldenSectionMinimizer.Minimum(ObjectiveFunction.ScalarValue(
            logT => NegativeLogLikelihood(labelled, scored, Math.Exp(logT))), Math.Log(0.05), Math.Log(20), 1e-4);
        return Math.Exp(result.MinimizingPoint);
    }

    /// <summary>Mean negative log-likelihood of the true class of <paramref name="pixels"/> at temperature
    /// <paramref name="temperature"/>.</summary>
    public static double NegativeLogLikelihood(PixelSample sample, IReadOnlyList<int> pixels, double temperature)
    {
        double sum = 0;
        foreach (int i in pixels)
        {
            var z = sample.LogitsOf(i);
            double max = double.NegativeInfinity;
            foreach (float v in z) max = Math.Max(max, v);
            double partition = 0;
            foreach (float v in z) partition += Math.Exp((v - max) / temperature);
            sum += Math.Log(partition) - (z[sample.Labels![i]] - max) / temperature;
        }
        return sum / pixels.Count;
    }
}
