using System.Collections.Concurrent;
using DesertSeg.Lab.Data;

namespace DesertSeg.Lab.Estimation;

/// <summary>
/// A model's logits at a grid of pixels of a set of images, with each pixel's true class where it is known: everything a
/// label-free estimator reads. Pixels are stored image after image (<see cref="ImageOffsets"/>), so that a bootstrap can
/// resample images. A regular grid over every image counts each class in proportion to its area, so sums over the sample
/// estimate the image set's pixel counts up to one scale factor, which IoU does not see.
/// <para>What estimators derive from the pixels is computed once per sample (<see cref="PerPixel"/>, <see cref="Derived{T}"/>):
/// a bootstrap evaluates every estimator on a hundred resamples, and a resample takes the per-pixel values of its pixels
/// from the whole sample (the same numbers: each depends on its own pixel only) instead of computing them again.</para>
/// </summary>
public sealed class PixelSample
{
    private byte[]? _predicted;
    private readonly ConcurrentDictionary<string, (int Width, double[] Values)> _perPixel = new();
    private readonly ConcurrentDictionary<string, object> _derived = new();

    /// <param name="classes">Logits per pixel.</param>
    /// <param name="logits">Pixel-major: pixel i's logits are <c>logits[i*classes .. (i+1)*classes)</c>.</param>
    /// <param name="labels">True class per pixel (<see cref="ClassScheme.Ignore"/> where it is not scored), or null
    /// for unlabelled images.</param>
    /// <param name="imageOffsets">Where each image's pixels start, and the total count last (length images + 1).</param>
    public PixelSample(int classes, float[] logits, byte[]? labels, IReadOnlyList<int> imageOffsets)
    {
        if (classes < 2) throw new ArgumentException($"A sample needs at least two classes, got {classes}.");
        if (logits.Length % classes != 0)
            throw new ArgumentException($"{logits.Length} logits are not a whole number of {classes}-class pixels.");
        int count = logits.Length / classes;
        if (labels is not null && labels.Length != count)
            throw new ArgumentException($"{labels.Length} labels for {count} pixels.");
        if (imageOffsets.Count < 1 || imageOffsets[0] != 0 || imageOffsets[^1] != count)
            throw new ArgumentException($"Image offsets must run from 0 to the pixel count {count}.");
        Classes = classes;
        Logits = logits;
        Labels = labels;
        ImageOffsets = imageOffsets;
    }

    public int Classes { get; }
    public float[] Logits { get; }
    public byte[]? Labels { get; }
    public IReadOnlyList<int> ImageOffsets { get; }

    /// <summary>Sampled pixels.</summary>
    public int Count => Logits.Length / Classes;

    public int Images => ImageOffsets.Count - 1;

    /// <summary>The logits of pixel <paramref name="i"/>.</summary>
    public ReadOnlySpan<float> LogitsOf(int i) => Logits.AsSpan(i * Classes, Classes);

    /// <summary>The model's prediction (argmax of the logits) per pixel.</summary>
    public byte[] Predicted => _predicted ??= ArgmaxAll();

    private byte[] ArgmaxAll()
    {
        var predicted = new byte[Count];
        for (int i = 0; i < predicted.Length; i++)
        {
            var z = LogitsOf(i);
            int best = 0;
            for (int k = 1; k < z.Length; k++) if (z[k] > z[best]) best = k;
            predicted[i] = (byte)best;
        }
        return predicted;
    }

    /// <summary>
    /// Values of each pixel (<paramref name="width"/> per pixel, pixel-major) that depend on that pixel's logits only,
    /// computed once: a <see cref="Subset"/> gathers its pixels' rows instead of computing them. The array is shared: read it,
    /// never write it.
    /// </summary>
    /// <param name="key">What the values are, with every parameter they depend on (e.g. the temperature).</param>
    public double[] PerPixel(string key, int width, Func<PixelSample, double[]> compute) =>
        _perPixel.GetOrAdd(key, _ =>
        {
            var values = compute(this);
            if (values.Length != Count * width)
                throw new InvalidOperationException($"'{key}' gave {values.Length} values for {Count} pixels of {width}.");
            return (width, values);
        }).Values;

    /// <summary>
    /// A value computed from the whole sample (e.g. EM's re-weighted probabilities, which depend on every pixel), once per
    /// sample; a subset computes its own. Shared: never modify it.
    /// </summary>
    public T Derived<T>(string key, Func<PixelSample, T> compute) where T : class =>
        (T)_derived.GetOrAdd(key, _ => compute(this));

    /// <summary>The pixels of the given images, in that order (an image may repeat: a bootstrap draw).</summary>
    public PixelSample Subset(IReadOnlyList<int> images)
    {
        var offsets = new int[images.Count + 1];
        for (int n = 0; n < images.Count; n++) offsets[n + 1] = offsets[n] + ImageOffsets[images[n] + 1] - ImageOffsets[images[n]];
        var subset = new PixelSample(Classes, Gather(Logits, Classes, images, offsets[^1]),
            Labels is null ? null : Gather(Labels, 1, images, offsets[^1]), offsets);
        if (_predicted is not null) subset._predicted = Gather(_predicted, 1, images, offsets[^1]);
        foreach (var (key, (width, values)) in _perPixel)
            subset._perPixel[key] = (width, Gather(values, width, images, offsets[^1]));
        return subset;
    }

    /// <summary>The rows (<paramref name="width"/> values per pixel) of the given images' pixels, image after image.</summary>
    private T[] Gather<T>(T[] values, int width, IReadOnlyList<int> images, int pixels)
    {
        var gathered = new T[pixels * width];
        int at = 0;
        foreach (int image in images)
        {
            int start = ImageOffsets[image], length = ImageOffsets[image + 1] - start;
            Array.Copy(values, start * width, gathered, at * width, length * width);
            at += length;
        }
        return gathered;
    }

    /// <summary>Several samples of one model as one (their images one after another).</summary>
    public static PixelSample Concat(IReadOnlyList<PixelSample> parts)
    {
        if (parts.Count == 0) throw new ArgumentException("Nothing to concatenate.");
        int classes = parts[0].Classes;
        if (parts.Any(p => p.Classes != classes)) throw new ArgumentException("Samples of different class counts.");
        bool labelled = parts.All(p => p.Labels is not null);
        var offsets = new List<int> { 0 };
        int end = 0;
        foreach (var part in parts)
        {
            offsets.AddRange(part.ImageOffsets.Skip(1).Select(o => end + o));
            end += part.Count;
        }
        return new PixelSample(classes, parts.SelectMany(p => p.Logits).ToArray(),
            labelled ? parts.SelectMany(p => p.Labels!).ToArray() : null, offsets);
    }
}
