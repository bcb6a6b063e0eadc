namespace DesertSeg.Lab.Estimation;

/// <summary>
/// Class priors of an unlabelled target by expectation-maximisation (Saerens, Latinne and Decaestecker, Neural
/// Computation 2002): the posteriors of calibrated probabilities are re-weighted by target prior / source prior and
/// renormalised (E step), the target priors become the mean re-weighted posterior (M step), until they settle. It
/// assumes label shift (p(x|y) unchanged); under covariate shift it still moves priors towards what the model sees.
/// </summary>
public static class LabelShift
{
    /// <summary>Source priors: each class's share of the labelled (not ignored) pixels, floored at 1e-6.</summary>
    public static double[] SourcePriors(PixelSample labelled)
    {
        var labels = labelled.Labels ?? throw new ArgumentException("Source priors need labelled pixels.");
        var counts = new double[labelled.Classes];
        foreach (byte y in labels) if (y < counts.Length) counts[y]++;
        double total = counts.Sum();
        if (total == 0) throw new ArgumentException("Source priors need labelled pixels; every pixel is ignored.");
        return counts.Select(n => Math.Max(n / total, 1e-6)).ToArray();
    }

    /// <summary>The target priors by EM, from <paramref name="probabilities"/> (N x C, calibrated on the source).</summary>
    public static double[] TargetPriors(double[] probabilities, int classes, IReadOnlyList<double> sourcePriors,
        int maxIterations = 100, double tolerance = 1e-6)
    {
        var priors = sourcePriors.ToArray();
        var adjusted = new double[probabilities.Length];
        for (int iteration = 0; iteration < maxIterations; iteration++)
        {
            Adjust(probabilities, classes, sourcePriors, priors, adjusted);
            var next = new double[classes];
            int n = probabilities.Length / classes;
            for (int i = 0; i < n; i++)
                for (int k = 0; k < classes; k++) next[k] += adjusted[i * classes + k];
            for (int k = 0; k < classes; k++) next[k] /= n;
            double change = next.Zip(priors, (a, b) => Math.Abs(a - b)).Max();
            priors = next;
            if (change < tolerance) break;
        }
        return priors;
    }

    /// <summary>Posteriors re-weighted from <paramref name="sourcePriors"/> to <paramref name="targetPriors"/> (Bayes' rule
    /// with p(x|y) fixed), into <paramref name="adjusted"/>.</summary>
    public static void Adjust(double[] probabilities, int classes, IReadOnlyList<double> sourcePriors,
        IReadOnlyList<double> targetPriors, double[] adjusted)
    {
        var ratio = Enumerable.Range(0, classes).Select(k => targetPriors[k] / sourcePriors[k]).ToArray();
        int n = probabilities.Length / classes;
        for (int i = 0; i < n; i++)
        {
            double sum = 0;
            for (int k = 0; k < classes; k++) sum += adjusted[i * classes + k] = probabilities[i * classes + k] * ratio[k];
            if (sum <= 0) continue;
            for (int k = 0; k < classes; k++) adjusted[i * classes + k] /= sum;
        }
    }
}
