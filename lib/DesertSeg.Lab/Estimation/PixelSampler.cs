using TorchSharp;
using static TorchSharp.torch;

namespace DesertSeg.Lab.Estimation;

/// <summary>
/// Collects a <see cref="PixelSample"/> batch by batch from logits at the model's input size: every
/// <see cref="Stride"/>-th pixel in both directions, starting half a stride in, so that a pixel stands for the
/// <c>Stride x Stride</c> block around it.
/// </summary>
/// <param name="stride">Grid step in input pixels. 4 keeps 2,304 of a 144x256 input's pixels: enough for class shares of
/// 0.1% (a few pixels per image), and small enough that the estimators and their bootstrap stay in milliseconds.</param>
public sealed class PixelSampler(int stride = PixelSampler.DefaultStride)
{
    public const int DefaultStride = 4;

    private readonly List<float> _logits = [];
    private readonly List<byte> _labels = [];
    private readonly List<int> _offsets = [0];
    private int? _classes;
    private bool? _labelled;

    public int Stride { get; } = stride >= 1 ? stride : throw new ArgumentException($"Stride must be positive, got {stride}.");

    /// <summary>Adds a batch: logits N x C x H x W (any device, float) and, for labelled images, class indices N x H x W
    /// (ignored pixels at <see cref="Data.ClassScheme.Ignore"/>).</summary>
    public void Add(Tensor logits, Tensor? labels = null)
    {
        if (logits.dim() != 4) throw new ArgumentException($"Logits must be N x C x H x W, got [{string.Join(",", logits.shape)}].");
        _classes ??= (int)logits.shape[1];
        if (_classes != logits.shape[1]) throw new ArgumentException($"Logits of {logits.shape[1]} classes after {_classes}.");
        _labelled ??= labels is not null;
        if (_labelled != (labels is not null)) throw new ArgumentException("Mix of labelled and unlabelled batches.");
        using var scope = NewDisposeScope();
        long n = logits.shape[0], h = logits.shape[2], w = logits.shape[3];
        var rows = TensorIndex.Slice(Stride / 2, h, Stride);
        var columns = TensorIndex.Slice(Stride / 2, w, Stride);
        var grid = logits[TensorIndex.Colon, TensorIndex.Colon, rows, columns].permute(0, 2, 3, 1).contiguous()
            .to(ScalarType.Float32).cpu();
        long perImage = grid.shape[1] * grid.shape[2];
        _logits.AddRange(IO.TensorData.ToArray<float>(grid));
        if (labels is not null)
            _labels.AddRange(IO.TensorData.ToArray<byte>(labels[TensorIndex.Colon, rows, columns].to(ScalarType.Byte).cpu()));
        for (int i = 0; i < n; i++) _offsets.Add(_offsets[^1] + (int)perImage);
    }

    /// <summary>The sample of everything added.</summary>
    public PixelSample Build()
    {
        if (_classes is not { } classes) throw new InvalidOperationException("No images were sampled.");
        return new PixelSample(classes, _logits.ToArray(), _labelled == true ? _labels.ToArray() : null, _offsets.ToArray());
    }
}
