using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.Optimization;

namespace DesertSeg.Lab.Estimation;

/// <summary>
/// Bias-corrected temperature scaling (BCTS; Alexandari, Kundaje and Shrikumar, ICML 2020): softmax(z / T + b) with one
/// temperature and a bias per class, fitted by the negative log-likelihood of the true classes on labelled validation
/// pixels. At the optimum the gradient in each bias is zero, which says that the mean calibrated probability of every class
/// equals its share of the labels: EM (<see cref="LabelShift"/>) started from the source priors then stays where it starts
/// on data like the calibration set's. With temperature scaling alone the mean prediction can differ from the label shares,
/// and EM moves the priors although nothing shifted; the paper shows BCTS is what makes EM reliable under label shift.
/// </summary>
/// <remarks>Fitted in (1 / T, b) with b_0 = 0 (softmax ignores a common shift of the biases), where the NLL is convex, by
/// BFGS from T = 1, b = 0 (MathNet's <see cref="BfgsMinimizer"/>; the reference code uses scipy's L-BFGS-B).</remarks>
public static class BiasCorrectedTemperatureScaling
{
    /// <exception cref="ArgumentException">The sample has no labelled pixels.</exception>
    public static Calibration Fit(PixelSample labelled)
    {
        var labels = labelled.Labels ?? throw new ArgumentException("Bias-corrected temperature scaling needs labelled pixels.");
        int c = labelled.Classes;
        var scored = Enumerable.Range(0, labelled.Count).Where(i => labels[i] < c).ToArray();
        if (scored.Length == 0) throw new ArgumentException("Bias-corrected temperature scaling needs labelled pixels; every pixel is ignored.");
        var objective = ObjectiveFunction.Gradient(parameters =>
        {
            var (nll, gradient) = NegativeLogLikelihood(labelled, scored, parameters[0], Biases(parameters, c));
            return (nll, Vector<double>.Build.DenseOfArray(gradient));
        });
        var start = Vector<double>.Build.Dense(c); // 1 / T = 1, b_1.. = 0
        start[0] = 1;
        var result = new BfgsMinimizer(1e-9, 1e-9, 1e-9, 500).FindMinimum(objective, start);
        var p = result.MinimizingPoint;
        return new Calibration(1 / p[0], Biases(p, c));
    }

    private static double[] Biases(Vector<double> parameters, int classes)
    {
        var b = new double[classes];
        for (int k = 1; k < classes; k++) b[k] = parameters[k];
        return b;
    }

    /// <summary>Mean NLL of the true classes under softmax(a z + b), and its gradient in (a, b_1, .., b_{C-1}).</summary>
    public static (double Value, double[] Gradient) NegativeLogLikelihood(PixelSample sample, IReadOnlyList<int> pixels,
        double inverseTemperature, IReadOnlyList<double> biases)
    {
        int c = sample.Classes;
        var gradient = new double[c];
        var p = new double[c];
        double sum = 0;
        foreach (int i in pixels)
        {
            var z = sample.LogitsOf(i);
            int y = sample.Labels![i];
            double max = double.NegativeInfinity;
            for (int k = 0; k < c; k++) max = Math.Max(max, p[k] = inverseTemperature * z[k] + biases[k]);
            double partition = 0;
            for (int k = 0; k < c; k++) partition += p[k] = Math.Exp(p[k] - max);
            double expectedLogit = 0;
            for (int k = 0; k < c; k++)
            {
                p[k] /= partition;
                expectedLogit += p[k] * z[k];
            }
            sum += Math.Log(partition) + max - (inverseTemperature * z[y] + biases[y]);
            gradient[0] += expectedLogit - z[y];
            for (int k = 1; k < c; k++) gradient[k] += p[k] - (k == y ? 1 : 0);
        }
        for (int k = 0; k < c; k++) gradient[k] /= pixels.Count;
        return (sum / pixels.Count, gradient);
    }
}

/// <summary>
/// How logits become calibrated probabilities: softmax(z / <paramref name="Temperature"/> + <paramref name="Biases"/>)
/// (no biases: temperature scaling).
/// </summary>
public sealed record Calibration(double Temperature, IReadOnlyList<double>? Biases = null)
{
    /// <summary>A key for per-sample caches: equal for equal calibrations.</summary>
    public string Key => Biases is null
        ? $"T={Temperature:R}"
        : $"T={Temperature:R} b={string.Join(",", Biases.Select(b => b.ToString("R")))}";

    /// <summary>Calibrated probabilities of one pixel's <paramref name="logits"/>.</summary>
    public void Apply(ReadOnlySpan<float> logits, Span<double> probabilities)
    {
        double max = double.NegativeInfinity;
        for (int k = 0; k < logits.Length; k++)
            max = Math.Max(max, probabilities[k] = logits[k] / Temperature + (Biases?[k] ?? 0));
        double sum = 0;
        for (int k = 0; k < logits.Length; k++) sum += probabilities[k] = Math.Exp(probabilities[k] - max);
        for (int k = 0; k < logits.Length; k++) probabilities[k] /= sum;
    }
}
