using System.Collections;
using TorchSharp;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace DesertSeg.Lab.Checkpoints;

/// <summary>Named tensors read from a checkpoint file, on the CPU. Disposing it frees the tensors.</summary>
public sealed class StateDict : IReadOnlyDictionary<string, Tensor>, IDisposable
{
    /// <summary>Keys under which training scripts commonly nest the model's state dict in a larger
    /// checkpoint dictionary (with the epoch, optimizer state, metrics...), tried in this order.</summary>
    public static readonly IReadOnlyList<string> WrapperKeys = ["state_dict", "model_state_dict", "model"];

    /// <summary>Prefix nn.DataParallel / DistributedDataParallel put before every name.</summary>
    public const string DataParallelPrefix = "module.";

    private readonly Dictionary<string, Tensor> tensors;

    /// <summary>The file read, for messages.</summary>
    public string Source { get; }

    /// <summary>Takes ownership of <paramref name="tensors"/>.</summary>
    public StateDict(string source, Dictionary<string, Tensor> tensors)
    {
        Source = source;
        this.tensors = tensors;
    }

    /// <summary>Reads a state dict saved by PyTorch (<c>torch.save(model.state_dict())</c>, zip format,
    /// any extension), possibly nested in a checkpoint dictionary under one of <see cref="WrapperKeys"/>,
    /// or a .safetensors file. A DataParallel "module." prefix on every key is removed.</summary>
    /// <exception cref="CheckpointException">The file is missing, in neither format, or holds no tensors.</exception>
    public static StateDict Load(string path)
    {
        if (!File.Exists(path)) throw new CheckpointException(path, "file not found.");
        Dictionary<string, Tensor> tensors = IsZip(path) ? ReadPyTorch(path)
            : SafetensorsFile.LooksLikeSafetensors(path) ? SafetensorsFile.Read(path)
            : throw new CheckpointException(path,
                "neither a PyTorch zip checkpoint (torch.save since PyTorch 1.6) nor a safetensors file. " +
                "A checkpoint in PyTorch's legacy format must be re-saved with a current torch.save.");
        if (tensors.Count == 0) throw new CheckpointException(path, "holds no tensors.");
        return new StateDict(path, StripDataParallelPrefix(tensors));
    }

    private static bool IsZip(string path)
    {
        using var stream = File.OpenRead(path);
        Span<byte> magic = stackalloc byte[4];
        return stream.Read(magic) == 4 && magic.SequenceEqual("PK\u0003\u0004"u8);
    }

    private static Dictionary<string, Tensor> ReadPyTorch(string path)
    {
        Hashtable root;
        try
        {
            using var stream = File.OpenRead(path);
            root = PyTorchUnpickler.UnpickleStateDict(stream, leaveOpen: false);
        }
        catch (Exception e) when (e is not CheckpointException)
        {
            throw new CheckpointException(path,
                $"could not be unpickled as a state dict ({e.Message}). Save the state dict " +
                "(torch.save(model.state_dict(), path)), not the whole model.", e);
        }

        var dict = root;
        if (!dict.Values.OfType<Tensor>().Any())
        {
            string? wrapper = WrapperKeys.FirstOrDefault(k => root[k] is Hashtable inner && inner.Values.OfType<Tensor>().Any());
            if (wrapper is null)
            {
                throw new CheckpointException(path,
                    $"holds no tensors at the top level and none under {string.Join(", ", WrapperKeys.Select(k => $"'{k}'"))}. " +
                    $"Top-level keys: {string.Join(", ", root.Keys.Cast<object>().Select(k => $"'{k}'"))}.");
            }
            dict = (Hashtable)root[wrapper]!;
        }

        // Entries are added in the pickle's order where the Hashtable keeps none; consumers look up by name.
        var tensors = new Dictionary<string, Tensor>();
        foreach (DictionaryEntry entry in dict)
        {
            if (entry.Key is string name && entry.Value is Tensor t) tensors[name] = t;
        }
        return tensors;
    }

    private static Dictionary<string, Tensor> StripDataParallelPrefix(Dictionary<string, Tensor> tensors) =>
        tensors.Keys.All(k => k.StartsWith(DataParallelPrefix, StringComparison.Ordinal))
            ? tensors.ToDictionary(kv => kv.Key[DataParallelPrefix.Length..], kv => kv.Value)
            : tensors;

    /// <summary>Writes <paramref name="entries"/> as .safetensors, atomically.</summary>
    public static void SaveSafetensors(string path, IEnumerable<(string Name, Tensor Tensor)> entries) =>
        SafetensorsFile.Write(path, entries);

    public Tensor this[string key] => tensors[key];
    public IEnumerable<string> Keys => tensors.Keys;
    public IEnumerable<Tensor> Values => tensors.Values;
    public int Count => tensors.Count;
    public bool ContainsKey(string key) => tensors.ContainsKey(key);
    public bool TryGetValue(string key, [System.Diagnostics.CodeAnalysis.MaybeNullWhen(false)] out Tensor value) =>
        tensors.TryGetValue(key, out value);
    public IEnumerator<KeyValuePair<string, Tensor>> GetEnumerator() => tensors.GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public void Dispose()
    {
        foreach (var t in tensors.Values) t.Dispose();
        tensors.Clear();
    }
}
