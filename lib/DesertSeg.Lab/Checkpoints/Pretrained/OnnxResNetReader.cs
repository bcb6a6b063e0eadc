using Google.Protobuf;
using Onnx;
using TorchSharp;
using static TorchSharp.torch;

namespace DesertSeg.Lab.Checkpoints.Pretrained;

/// <summary>Reads the weights of a BasicBlock ResNet stored as an ONNX graph (such as ML.NET's
/// ResNet18.onnx, exported by CNTK) into torchvision's state-dict names, by following the data flow.</summary>
/// <remarks>
/// Nothing is taken from node names or node order: CNTK lists a block's projection conv before its first
/// 3x3 conv. Every BatchNormalization is paired with the Conv that produces its input; every residual Add
/// is walked back to its two branches (conv-BN-ReLU-conv-BN on one side, the block input or a 1x1
/// conv-BN projection on the other). Blocks are then chained from the stem's max-pool output and grouped
/// into layers by their width (64, 128, 256, 512 channels). The weights come out in the ONNX model's own
/// input convention; <see cref="InputConventionFold"/> adapts them to the workspace's.
/// </remarks>
public static class OnnxResNetReader
{
    /// <summary>Widths of torchvision's layer1..layer4 for BasicBlock ResNets.</summary>
    private static readonly long[] LayerWidths = [64, 128, 256, 512];

    /// <summary>The parsed model: state dict in torchvision's names and order (float32 weights, BN
    /// buffers, num_batches_tracked as int64 0), and the blocks found per layer.</summary>
    public sealed class Result(List<(string Name, Tensor Tensor)> entries, int[] layers) : IDisposable
    {
        /// <summary>(torchvision name, tensor), in torchvision's state_dict order. Owned by this result.</summary>
        public IReadOnlyList<(string Name, Tensor Tensor)> Entries => entries;

        /// <summary>Blocks in layer1..layer4, as found in the graph.</summary>
        public IReadOnlyList<int> Layers => layers;

        public Tensor this[string name] => entries.First(e => e.Name == name).Tensor;

        public void Dispose()
        {
            foreach (var (_, t) in entries) t.Dispose();
            entries.Clear();
        }
    }

    /// <summary>Parses an ONNX file; every failure (missing, not protobuf, not a ResNet) is a
    /// <see cref="CheckpointException"/> naming the file.</summary>
    public static ModelProto Parse(string path)
    {
        if (!File.Exists(path)) throw new CheckpointException(path, "ONNX file not found.");
        ModelProto model;
        try
        {
            model = ModelProto.Parser.ParseFrom(File.ReadAllBytes(path));
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new CheckpointException(path, $"not a valid ONNX model (protobuf parse failed: {e.Message}).", e);
        }
        if (model.Graph is null || model.Graph.Node.Count == 0)
            throw new CheckpointException(path, "not a valid ONNX model (it holds no graph nodes).");
        return model;
    }

    /// <summary>Reads the ResNet in <paramref name="path"/>.</summary>
    /// <param name="expectedLayers">Blocks per layer the graph must have, e.g. [2, 2, 2, 3].</param>
    public static Result Read(string path, IReadOnlyList<int> expectedLayers)
    {
        var graph = new Graph(path, Parse(path).Graph);
        var entries = new List<(string, Tensor)>();
        try
        {
            var found = graph.ReadInto(entries);
            if (!found.SequenceEqual(expectedLayers))
            {
                throw new CheckpointException(path,
                    $"has BasicBlocks [{string.Join(", ", found)}] per layer, expected [{string.Join(", ", expectedLayers)}].");
            }
            return new Result(entries, found);
        }
        catch
        {
            foreach (var (_, t) in entries) t.Dispose();
            throw;
        }
    }

    /// <summary>Per-channel means of the mean image that ML.NET's ResNetPreprocess.onnx subtracts (its
    /// only initializer, [1, 3, H, W], in the graph's BGR order).</summary>
    public static double[] MeanImageChannelMeans(string path)
    {
        var graph = Parse(path).Graph;
        var sub = graph.Node.FirstOrDefault(n => n.OpType == "Sub")
                  ?? throw new CheckpointException(path, "has no Sub node: not ML.NET's ResNet preprocessing graph.");
        var mean = sub.Input.Select(i => graph.Initializer.FirstOrDefault(t => t.Name == i)).FirstOrDefault(t => t is not null)
                   ?? throw new CheckpointException(path, "its Sub node subtracts no stored mean image.");
        if (mean.Dims.Count != 4 || mean.Dims[0] != 1 || mean.Dims[1] != 3)
            throw new CheckpointException(path,
                $"mean image '{mean.Name}' has shape [{string.Join(", ", mean.Dims)}], expected [1, 3, H, W].");
        float[] values = Floats(path, mean);
        int plane = values.Length / 3;
        return [.. Enumerable.Range(0, 3).Select(c => values.Skip(c * plane).Take(plane).Average(v => (double)v))];
    }

    private static float[] Floats(string path, TensorProto t)
    {
        if (t.DataType != (int)TensorProto.Types.DataType.Float)
            throw new CheckpointException(path, $"initializer '{t.Name}' has ONNX data type {t.DataType}, expected float (1).");
        long count = t.Dims.Aggregate(1L, (a, d) => a * d);
        float[] values;
        if (t.RawData.Length > 0)
        {
            if (t.RawData.Length != count * 4)
                throw new CheckpointException(path, $"initializer '{t.Name}' has {t.RawData.Length} raw bytes for {count} floats.");
            values = new float[count];
            // ONNX raw data is little-endian, as is every platform TorchSharp runs on.
            t.RawData.Span.CopyTo(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()));
        }
        else
        {
            if (t.FloatData.Count != count)
                throw new CheckpointException(path,
                    $"initializer '{t.Name}' holds {t.FloatData.Count} floats for shape [{string.Join(", ", t.Dims)}].");
            values = [.. t.FloatData];
        }
        return values;
    }

    /// <summary>The graph indexed by value name.</summary>
    private sealed class Graph
    {
        private readonly string path;
        private readonly GraphProto graph;
        private readonly Dictionary<string, NodeProto> producers = new();
        private readonly Dictionary<string, List<NodeProto>> consumers = new();
        private readonly Dictionary<string, TensorProto> initializers;

        public Graph(string path, GraphProto graph)
        {
            this.path = path;
            this.graph = graph;
            initializers = graph.Initializer.ToDictionary(t => t.Name);
            foreach (var node in graph.Node)
            {
                foreach (var output in node.Output) producers[output] = node;
                foreach (var input in node.Input)
                {
                    if (!consumers.TryGetValue(input, out var list)) consumers[input] = list = [];
                    list.Add(node);
                }
            }
        }

        private CheckpointException Error(string problem) => new(path, $"not a BasicBlock ResNet as expected: {problem}");

        private NodeProto? Producer(string value, string opType) =>
            producers.TryGetValue(value, out var node) && node.OpType == opType ? node : null;

        private NodeProto SingleConsumer(string value, string opType) =>
            consumers.TryGetValue(value, out var list) && list.Where(n => n.OpType == opType).ToList() is [var node]
                ? node
                : throw Error($"expected exactly one {opType} reading '{value}'.");

        /// <summary>Reads stem and blocks into <paramref name="entries"/>; returns blocks per layer.</summary>
        public int[] ReadInto(List<(string, Tensor)> entries)
        {
            string input = graph.Input.Select(i => i.Name).FirstOrDefault(n => !initializers.ContainsKey(n))
                           ?? throw Error("the graph has no data input.");
            var conv1 = SingleConsumer(input, "Conv");
            CheckConv(conv1, kernel: 7, stride: 2);
            var bn1 = SingleConsumer(conv1.Output[0], "BatchNormalization");
            var relu = SingleConsumer(bn1.Output[0], "Relu");
            var pool = SingleConsumer(relu.Output[0], "MaxPool");
            AddConv(entries, "conv1", conv1, [64, 3, 7, 7]);
            AddBatchNorm(entries, "bn1", bn1, 64);

            // Each residual Add, walked back to its branches; chained from the max-pool's output.
            var blocks = graph.Node.Where(n => n.OpType == "Add").Select(ReadBlock).ToDictionary(b => b.Input);
            var layers = new int[LayerWidths.Length];
            string current = pool.Output[0];
            long inplanes = 64;
            int layer = 0;
            while (blocks.Remove(current, out var block))
            {
                long width = block.Width;
                while (layer < LayerWidths.Length && LayerWidths[layer] != width) layer++;
                if (layer == LayerWidths.Length) throw Error($"a block of width {width} after layer{LayerWidths.Length}, or out of order.");
                bool first = layers[layer] == 0;
                long stride = first && layer > 0 ? 2 : 1;
                string prefix = $"layer{layer + 1}.{layers[layer]}.";
                CheckConv(block.Conv1, 3, stride);
                CheckConv(block.Conv2, 3, 1);
                AddConv(entries, prefix + "conv1", block.Conv1, [width, inplanes, 3, 3]);
                AddBatchNorm(entries, prefix + "bn1", block.Bn1, width);
                AddConv(entries, prefix + "conv2", block.Conv2, [width, width, 3, 3]);
                AddBatchNorm(entries, prefix + "bn2", block.Bn2, width);
                if (block.Projection is { } projection)
                {
                    var (conv, bn) = projection;
                    CheckConv(conv, 1, stride);
                    AddConv(entries, prefix + "downsample.0", conv, [width, inplanes, 1, 1]);
                    AddBatchNorm(entries, prefix + "downsample.1", bn, width);
                }
                else if (stride != 1 || inplanes != width)
                {
                    throw Error($"{prefix.TrimEnd('.')} changes shape but has an identity shortcut.");
                }
                layers[layer]++;
                inplanes = width;
                current = block.Output;
            }
            if (blocks.Count > 0) throw Error($"{blocks.Count} residual block(s) are not on the main chain from the stem.");
            if (!(consumers.TryGetValue(current, out var tail) && tail.Any(n => n.OpType is "AveragePool" or "GlobalAveragePool")))
                throw Error($"the last block's output '{current}' is not average-pooled.");
            return layers;
        }

        private sealed record Block(string Input, string Output, long Width, NodeProto Conv1, NodeProto Bn1,
            NodeProto Conv2, NodeProto Bn2, (NodeProto Conv, NodeProto Bn)? Projection);

        /// <summary>Add(BN(Conv(Relu(BN(Conv(x))))), x or BN(Conv1x1(x))) followed by Relu.</summary>
        private Block ReadBlock(NodeProto add)
        {
            if (add.Input.Count != 2) throw Error($"Add '{add.Name}' has {add.Input.Count} inputs.");
            foreach (int main in new[] { 0, 1 })
            {
                var bn2 = Producer(add.Input[main], "BatchNormalization");
                var conv2 = bn2 is null ? null : Producer(bn2.Input[0], "Conv");
                var relu = conv2 is null ? null : Producer(conv2.Input[0], "Relu");
                var bn1 = relu is null ? null : Producer(relu.Input[0], "BatchNormalization");
                var conv1 = bn1 is null ? null : Producer(bn1.Input[0], "Conv");
                if (conv1 is null) continue;
                string x = conv1.Input[0];
                string shortcut = add.Input[1 - main];
                (NodeProto, NodeProto)? projection = null;
                if (shortcut != x)
                {
                    var bnD = Producer(shortcut, "BatchNormalization");
                    var convD = bnD is null ? null : Producer(bnD.Input[0], "Conv");
                    if (convD is null || convD.Input[0] != x) continue;
                    projection = (convD, bnD!);
                }
                var outRelu = SingleConsumer(add.Output[0], "Relu");
                long width = Initializer(conv2!.Input[1]).Dims[0];
                return new Block(x, outRelu.Output[0], width, conv1, bn1!, conv2, bn2!, projection);
            }
            throw Error($"Add '{add.Name}' is not a residual BasicBlock " +
                        "(conv-BN-ReLU-conv-BN plus the block input or a conv-BN projection of it).");
        }

        private TensorProto Initializer(string name) =>
            initializers.TryGetValue(name, out var t) ? t : throw Error($"'{name}' is not a stored initializer.");

        private void CheckConv(NodeProto conv, long kernel, long stride)
        {
            long[] Ints(string name, long fallback) =>
                conv.Attribute.FirstOrDefault(a => a.Name == name) is { } a ? [.. a.Ints] : [fallback, fallback];
            long group = conv.Attribute.FirstOrDefault(a => a.Name == "group")?.I ?? 1;
            string autoPad = conv.Attribute.FirstOrDefault(a => a.Name == "auto_pad")?.S.ToStringUtf8() ?? "NOTSET";
            if (conv.Input.Count != 2) throw Error($"Conv '{conv.Name}' has a bias (torchvision's ResNet convs have none).");
            if (!Ints("strides", 1).All(s => s == stride) || !Ints("dilations", 1).All(d => d == 1) || group != 1 || autoPad != "NOTSET"
                || !Initializer(conv.Input[1]).Dims.Skip(2).All(k => k == kernel))
            {
                throw Error($"Conv '{conv.Name}' is not a {kernel}x{kernel} stride-{stride} convolution " +
                            $"(strides [{string.Join(", ", Ints("strides", 1))}], dilations [{string.Join(", ", Ints("dilations", 1))}], " +
                            $"group {group}, auto_pad {autoPad}).");
            }
            // Padding: torchvision pads k/2 on every side. Stride-2 layers here pad (k/2 before, k/2-1 after),
            // which samples the same positions for even input sides; anything else is another network.
            long[] pads = Ints("pads", 0).Length == 4 ? Ints("pads", 0) : [0, 0, 0, 0];
            long half = kernel / 2;
            bool before = pads[0] == half && pads[1] == half;
            bool after = pads[2] == pads[3] && (pads[2] == half || (stride == 2 && pads[2] == half - 1));
            if (!before || !after)
                throw Error($"Conv '{conv.Name}' pads [{string.Join(", ", pads)}], which torchvision's padding {half} does not reproduce.");
        }

        private void AddConv(List<(string, Tensor)> entries, string name, NodeProto conv, long[] shape)
        {
            var w = Initializer(conv.Input[1]);
            if (!w.Dims.SequenceEqual(shape))
                throw Error($"Conv '{conv.Name}' (for {name}) has weight shape [{string.Join(", ", w.Dims)}], " +
                            $"expected [{string.Join(", ", shape)}].");
            entries.Add((name + ".weight", tensor(Floats(path, w), shape)));
        }

        private void AddBatchNorm(List<(string, Tensor)> entries, string name, NodeProto bn, long channels)
        {
            if (bn.Input.Count != 5) throw Error($"BatchNormalization '{bn.Name}' has {bn.Input.Count} inputs, expected 5.");
            float epsilon = bn.Attribute.FirstOrDefault(a => a.Name == "epsilon")?.F ?? 1e-5f;
            if (Math.Abs(epsilon - 1e-5f) > 1e-9f)
                throw Error($"BatchNormalization '{bn.Name}' has epsilon {epsilon}; torchvision's BatchNorm2d uses 1e-5.");
            string[] suffixes = ["weight", "bias", "running_mean", "running_var"];
            for (int i = 0; i < 4; i++)
            {
                var t = Initializer(bn.Input[i + 1]);
                if (t.Dims.Aggregate(1L, (a, d) => a * d) != channels)
                    throw Error($"BatchNormalization '{bn.Name}' input {i + 1} has shape [{string.Join(", ", t.Dims)}], " +
                                $"expected {channels} values.");
                entries.Add(($"{name}.{suffixes[i]}", tensor(Floats(path, t), [channels])));
            }
            entries.Add(($"{name}.num_batches_tracked", tensor(0L)));
        }
    }
}
