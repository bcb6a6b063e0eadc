using DesertSeg.Lab.Checkpoints;
using TorchSharp;
using static TorchSharp.torch;

namespace DesertSeg.Lab.Tests.Checkpoints;

/// <summary>The C# twin of formula_tensor() in tools/python/smp_reference.py: deterministic weights both
/// sides compute without sharing a file, so a fixture of PyTorch's logits needs no 49 MB of weights.</summary>
internal static class FormulaWeights
{
    /// <summary>The value of entry number <paramref name="keyIndex"/> (in PyTorch's state-dict order).</summary>
    public static Tensor For(int keyIndex, string name, long[] shape, ScalarType dtype)
    {
        if (name.EndsWith("num_batches_tracked", StringComparison.Ordinal))
            return tensor((long)keyIndex).reshape(shape);
        long n = shape.Aggregate(1L, (a, b) => a * b);
        var values = new float[n];
        long fanIn = shape.Skip(1).Aggregate(1L, (a, b) => a * b);
        for (long i = 0; i < n; i++)
        {
            double s = Math.Sin(0.37 * i + 1.3 * keyIndex);
            double v = name.EndsWith("running_var", StringComparison.Ordinal) ? 1.0 + 0.5 * s * s
                : name.EndsWith("running_mean", StringComparison.Ordinal) || name.EndsWith("bias", StringComparison.Ordinal) ? 0.1 * s
                : shape.Length == 1 ? 1.0 + 0.1 * s
                : s * Math.Sqrt(4.0 / fanIn);
            values[i] = (float)v;
        }
        return tensor(values, dtype: ScalarType.Float32).reshape(shape).to_type(dtype);
    }

    /// <summary>Fills every parameter and buffer of <paramref name="model"/> with its formula value.</summary>
    public static void Fill(nn.Module model)
    {
        using var noGrad = no_grad();
        var entries = StateDictOrder.Of(model);
        for (int k = 0; k < entries.Count; k++)
        {
            using var value = For(k, entries[k].Name, entries[k].Tensor.shape, entries[k].Tensor.dtype);
            entries[k].Tensor.copy_(value);
        }
    }
}
