using DesertSeg.Lab.IO;
using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using TorchSharp;
using static TorchSharp.torch;

namespace DesertSeg.Lab.Checkpoints;

/// <summary>Reads and writes the safetensors format (8-byte little-endian header length, JSON header of
/// name -> {dtype, shape, data_offsets}, then raw little-endian tensor bytes).</summary>
/// <remarks>Written here rather than taken from PyBridge so that every malformed file fails with a
/// <see cref="CheckpointException"/> naming the file and key, unsupported dtypes included, and so that
/// writes are atomic.</remarks>
public static class SafetensorsFile
{
    private static readonly Dictionary<string, ScalarType> DTypes = new()
    {
        ["F64"] = ScalarType.Float64, ["F32"] = ScalarType.Float32, ["F16"] = ScalarType.Float16,
        ["BF16"] = ScalarType.BFloat16, ["I64"] = ScalarType.Int64, ["I32"] = ScalarType.Int32,
        ["I16"] = ScalarType.Int16, ["I8"] = ScalarType.Int8, ["U8"] = ScalarType.Byte, ["BOOL"] = ScalarType.Bool,
    };

    /// <summary>True when the file starts like a safetensors file (a plausible header length followed by '{').</summary>
    public static bool LooksLikeSafetensors(string path)
    {
        using var stream = File.OpenRead(path);
        Span<byte> head = stackalloc byte[9];
        if (stream.Read(head) < 9) return false;
        ulong length = BinaryPrimitives.ReadUInt64LittleEndian(head);
        return length > 1 && length < (ulong)stream.Length && head[8] == (byte)'{';
    }

    /// <summary>The header's "__metadata__" strings (empty when there are none); reads the header only.</summary>
    /// <exception cref="CheckpointException">The file is not a safetensors file.</exception>
    public static IReadOnlyDictionary<string, string> ReadMetadata(string path)
    {
        using var stream = File.OpenRead(path);
        Span<byte> lengthBytes = stackalloc byte[8];
        if (stream.Read(lengthBytes) < 8) throw new CheckpointException(path, "not a safetensors file (shorter than 8 bytes).");
        ulong length = BinaryPrimitives.ReadUInt64LittleEndian(lengthBytes);
        if (length > (ulong)(stream.Length - 8))
            throw new CheckpointException(path, $"not a safetensors file (header length {length} exceeds the file size).");
        var header = new byte[length];
        stream.ReadExactly(header);
        try
        {
            var meta = JsonNode.Parse(header)?["__metadata__"]?.AsObject();
            return meta?.ToDictionary(kv => kv.Key, kv => (string?)kv.Value ?? "") ?? new Dictionary<string, string>();
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            throw new CheckpointException(path, $"safetensors header is not valid JSON ({e.Message}).", e);
        }
    }

    /// <summary>Every tensor of the file, in the file's order, on the CPU. The caller owns the tensors.</summary>
    /// <exception cref="CheckpointException">The file is truncated, its header is not valid JSON, or an
    /// entry has an unsupported dtype or offsets outside the data.</exception>
    public static Dictionary<string, Tensor> Read(string path)
    {
        byte[] bytes = File.ReadAllBytes(path);
        if (bytes.Length < 8) throw new CheckpointException(path, "not a safetensors file (shorter than 8 bytes).");
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        if (headerLength > (ulong)(bytes.Length - 8))
            throw new CheckpointException(path,
                $"not a safetensors file (header length {headerLength} exceeds the file size {bytes.Length}).");
        JsonObject header;
        try
        {
            header = JsonNode.Parse(Encoding.UTF8.GetString(bytes, 8, (int)headerLength))?.AsObject()
                     ?? throw new JsonException("empty header");
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            throw new CheckpointException(path, $"safetensors header is not a JSON object ({e.Message}).", e);
        }

        long dataStart = 8 + (long)headerLength;
        var tensors = new Dictionary<string, Tensor>();
        try
        {
            foreach (var (name, node) in header)
            {
                if (name == "__metadata__") continue;
                var entry = node?.AsObject() ?? throw new CheckpointException(path, $"entry '{name}' is empty.");
                string dtypeName = (string?)entry["dtype"] ?? "";
                if (!DTypes.TryGetValue(dtypeName, out var dtype))
                    throw new CheckpointException(path, $"tensor '{name}' has dtype '{dtypeName}', which is not supported.");
                long[] shape = entry["shape"]!.AsArray().Select(n => (long)n!).ToArray();
                long[] offsets = entry["data_offsets"]!.AsArray().Select(n => (long)n!).ToArray();
                var tensor = empty(shape, dtype);
                long expectedBytes = tensor.NumberOfElements * tensor.ElementSize;
                if (offsets.Length != 2 || offsets[1] - offsets[0] != expectedBytes
                    || offsets[0] < 0 || dataStart + offsets[1] > bytes.Length)
                {
                    tensor.Dispose();
                    throw new CheckpointException(path,
                        $"tensor '{name}' ({dtypeName} [{string.Join(", ", shape)}]) has data offsets [{string.Join(", ", offsets)}] " +
                        $"that do not fit its size ({expectedBytes} bytes) or the file.");
                }
                tensor.bytes = bytes.AsSpan((int)(dataStart + offsets[0]), (int)expectedBytes);
                tensors.Add(name, tensor);
            }
        }
        catch
        {
            foreach (var t in tensors.Values) t.Dispose();
            throw;
        }
        return tensors;
    }

    /// <summary>Writes <paramref name="tensors"/> in the given order, atomically (temporary file in the same
    /// folder, then a rename over <paramref name="path"/>), with "__metadata__": {"format": "pt"} as
    /// safetensors' PyTorch helpers write it and the header padded to 8 bytes.</summary>
    public static void Write(string path, IEnumerable<(string Name, Tensor Tensor)> tensors,
        IReadOnlyDictionary<string, string>? metadata = null)
    {
        using var scope = NewDisposeScope();
        var entries = new List<(string Name, Tensor Data, string DType)>();
        foreach (var (name, t) in tensors)
        {
            string dtype = DTypes.FirstOrDefault(kv => kv.Value == t.dtype).Key
                           ?? throw new ArgumentException($"Tensor '{name}' has dtype {t.dtype}, which safetensors cannot hold.");
            entries.Add((name, t.detach().cpu().contiguous(), dtype));
        }

        var meta = new JsonObject { ["format"] = "pt" };
        foreach (var (key, value) in metadata ?? new Dictionary<string, string>()) meta[key] = value;
        var header = new JsonObject { ["__metadata__"] = meta };
        long offset = 0;
        foreach (var (name, data, dtype) in entries)
        {
            long length = data.NumberOfElements * data.ElementSize;
            header[name] = new JsonObject
            {
                ["dtype"] = dtype,
                ["shape"] = new JsonArray(data.shape.Select(d => (JsonNode)d).ToArray()),
                ["data_offsets"] = new JsonArray(offset, offset + length),
            };
            offset += length;
        }
        byte[] headerBytes = Encoding.UTF8.GetBytes(header.ToJsonString());
        int padding = (8 - headerBytes.Length % 8) % 8;

        AtomicFile.Write(path, stream =>
        {
            Span<byte> length = stackalloc byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)(headerBytes.Length + padding));
            stream.Write(length);
            stream.Write(headerBytes);
            for (int i = 0; i < padding; i++) stream.WriteByte((byte)' ');
            foreach (var (_, data, _) in entries) stream.Write(data.bytes);
        });
    }
}
