using TorchSharp;
using static TorchSharp.torch;

namespace DesertSeg.Lab.Checkpoints;

/// <summary>Copies named tensors into a module after checking names, shapes and dtypes.</summary>
public static class StateDictLoader
{
    /// <summary>Matches <paramref name="source"/> (already renamed to the model's names) against the
    /// model's state dict and copies what matches.</summary>
    /// <param name="model">Receives the values.</param>
    /// <param name="source">Checkpoint tensors, keyed by the model's names.</param>
    /// <param name="sourceName">File name for the report and messages.</param>
    /// <param name="isExcluded">Checkpoint keys to leave out on purpose (reported as excluded); model
    /// keys matching it are not required either.</param>
    /// <param name="strict">When true, any missing, unexpected or mismatched key throws before anything is
    /// copied, so the model is left untouched. When false, the matching keys are copied and the rest reported.</param>
    /// <exception cref="CheckpointException">strict and the checkpoint does not fit; the message names the keys.</exception>
    public static LoadReport Load(nn.Module model, IReadOnlyDictionary<string, Tensor> source, string sourceName,
        Func<string, bool>? isExcluded = null, bool strict = true, string what = "the checkpoint")
    {
        isExcluded ??= _ => false;
        var target = StateDictOrder.Of(model);
        var targetNames = target.Select(e => e.Name).ToHashSet();
        var loaded = new List<(string Name, Tensor Target, Tensor Source)>();
        var missing = new List<string>();
        var mismatched = new List<KeyMismatch>();
        foreach (var (name, tensor) in target)
        {
            if (isExcluded(name)) continue;
            if (!source.TryGetValue(name, out var value)) { missing.Add(name); continue; }
            if (value.dtype != tensor.dtype || !SameShape(tensor, value))
                mismatched.Add(new KeyMismatch(name, Describe(tensor), Describe(value)));
            else
                loaded.Add((name, tensor, value));
        }
        var excluded = source.Keys.Where(isExcluded).ToList();
        var unexpected = source.Keys.Where(k => !isExcluded(k) && !targetNames.Contains(k)).ToList();
        var report = new LoadReport(sourceName, loaded.Select(l => l.Name).ToList(), missing, unexpected, mismatched, excluded);
        if (strict && !report.IsExactMatch) throw new CheckpointException(report, what);

        using (no_grad())
        {
            foreach (var (_, t, s) in loaded)
            {
                using var shaped = s.reshape(t.shape);
                t.copy_(shaped);
            }
        }
        return report;
    }

    // PyBridge's unpickler returns 0-dim tensors (BatchNorm's num_batches_tracked) with shape [1];
    // a one-element tensor therefore fits a 0-dim one.
    private static bool SameShape(Tensor target, Tensor source) =>
        target.shape.SequenceEqual(source.shape)
        || (target.Dimensions == 0 && source.NumberOfElements == 1)
        || (source.Dimensions == 0 && target.NumberOfElements == 1);

    /// <summary>"float32 [7, 256, 1, 1]".</summary>
    public static string Describe(Tensor t) => $"{DTypeName(t.dtype)} [{string.Join(", ", t.shape)}]";

    private static string DTypeName(ScalarType dtype) => dtype switch
    {
        ScalarType.Float32 => "float32",
        ScalarType.Float64 => "float64",
        ScalarType.Float16 => "float16",
        ScalarType.BFloat16 => "bfloat16",
        ScalarType.Int64 => "int64",
        ScalarType.Int32 => "int32",
        _ => dtype.ToString().ToLowerInvariant(),
    };
}
