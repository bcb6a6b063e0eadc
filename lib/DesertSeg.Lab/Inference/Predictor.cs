using DesertSeg.Lab.Checkpoints;
using DesertSeg.Lab.Data;
using DesertSeg.Lab.Data.Augmentation;
using DesertSeg.Lab.IO;
using DesertSeg.Lab.Models;
using OpenCvSharp;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace DesertSeg.Lab.Inference;

/// <summary>How one image is turned into a prediction.</summary>
/// <param name="Tta">Test-time augmentation; null is a single pass.</param>
/// <param name="Suppression">Classes never to predict; null suppresses none.</param>
public sealed record PredictionOptions(TestTimeAugmentation? Tta = null, AbsentClassSuppression? Suppression = null)
{
    public static PredictionOptions Plain { get; } = new();

    public TestTimeAugmentation Augmentation => Tta ?? TestTimeAugmentation.None;
    public AbsentClassSuppression Suppressed => Suppression ?? AbsentClassSuppression.None;

    public override string ToString() => $"{Augmentation}, {Suppressed}";
}

/// <summary>Number format of the model and its input during inference.</summary>
public enum InferencePrecision
{
    /// <summary>float32 (on CUDA with TF32 matrix multiplies and convolutions; see Devices.ComputeDevice).</summary>
    Fp32,

    /// <summary>Model weights and input in bfloat16, as the report's bf16 autocast inference; logits go back to
    /// float32 before any resize, sum or argmax.</summary>
    Bf16,
}

/// <summary>
/// A trained model ready to predict: images are resized to the model's input size (bilinear) and
/// normalised with the ImageNet statistics as the evaluation pipeline does, run (with optional TTA) in
/// inference mode, and the logits are bilinearly resized (align_corners=False) to whatever size the caller
/// asks for before argmax — the image's own size for native-resolution predictions.
/// </summary>
public sealed class Predictor : IDisposable
{
    public Predictor(DeepLabV3Plus model, ClassScheme scheme, int height, int width, Device? device = null, ModelSource? source = null,
        InferencePrecision precision = InferencePrecision.Fp32)
    {
        if (model.Config.Classes != scheme.Count)
            throw new ArgumentException(
                $"The model has {model.Config.Classes} outputs but the {scheme.Name} scheme has {scheme.Count} classes.");
        DeepLabV3Plus.CheckInputShape([1, 3, height, width]);
        Device = device ?? CPU;
        Model = model;
        Model.eval();
        if (Device.type != DeviceType.CPU) Model.to(Device);
        Precision = precision;
        if (precision == InferencePrecision.Bf16) Model.to(ScalarType.BFloat16);
        Scheme = scheme;
        Height = height;
        Width = width;
        Source = source ?? new ModelSource("(in memory)", model.Config, scheme, height, width, "in memory");
    }

    /// <summary>Loads a checkpoint (or a run folder's best one) strictly; see
    /// <see cref="ModelSource.Resolve(string, ValueTuple{int, int}?)"/>.</summary>
    public static Predictor Load(string checkpoint, (int Height, int Width)? inputSize = null, Device? device = null,
        InferencePrecision precision = InferencePrecision.Fp32)
    {
        var (model, source) = LoadModel(checkpoint, inputSize);
        return new Predictor(model, source.Scheme, source.Height, source.Width,
            device ?? Devices.ComputeDevice.Resolve("auto"), source, precision);
    }

    public DeepLabV3Plus Model { get; }

    private readonly List<DeepLabV3Plus> _members = [];

    /// <summary>
    /// An ensemble: the softmax probabilities of every checkpoint averaged at each forward pass, as FDA's reference code
    /// averages its multi-band models (evaluation_multi.py), and returned as log-probabilities, so that TTA and
    /// suppression treat them as one model's logits. All must share the class scheme and input size; the first one's
    /// are used.
    /// </summary>
    public static Predictor Ensemble(IReadOnlyList<string> checkpoints, Device? device = null,
        InferencePrecision precision = InferencePrecision.Fp32)
    {
        if (checkpoints.Count == 0) throw new ArgumentException("An ensemble needs at least one checkpoint.");
        var first = Load(checkpoints[0], device: device, precision: precision);
        try
        {
            foreach (var path in checkpoints.Skip(1))
            {
                var (model, source) = LoadModel(path, (first.Height, first.Width));
                if (source.Scheme.Name != first.Scheme.Name)
                {
                    model.Dispose();
                    throw new CheckpointException(source.Checkpoint,
                        $"predicts the {source.Scheme.Name} scheme, the ensemble's first model {first.Scheme.Name}.");
                }
                model.eval();
                if (first.Device.type != DeviceType.CPU) model.to(first.Device);
                if (precision == InferencePrecision.Bf16) model.to(ScalarType.BFloat16);
                first._members.Add(model);
            }
        }
        catch
        {
            first.Dispose();
            throw;
        }
        first.Source = first.Source with
        {
            Origin = $"ensemble of {checkpoints.Count}: " + string.Join(", ", checkpoints.Select(DescribeCheckpoint))
        };
        return first;
    }

    private static string DescribeCheckpoint(string path)
    {
        string full = Path.GetFullPath(path);
        return Directory.Exists(full)
            ? Path.GetFileName(full)
            : Path.GetFileName(Path.GetDirectoryName(Path.GetDirectoryName(full))) + "/" + Path.GetFileName(full);
    }

    /// <summary>A checkpoint's model, loaded strictly on the CPU, and what it is (see <see cref="ModelSource"/>).</summary>
    private static (DeepLabV3Plus Model, ModelSource Source) LoadModel(string checkpoint, (int Height, int Width)? inputSize)
    {
        using var stateDict = StateDict.Load(ModelSource.CheckpointFile(checkpoint));
        var source = ModelSource.Resolve(stateDict, inputSize);
        var model = DeepLabV3Plus.Create(source.Model);
        try
        {
            model.LoadSmpStateDict(stateDict, strict: true, source: source.Checkpoint);
        }
        catch
        {
            model.Dispose();
            throw;
        }
        return (model, source);
    }

    public ClassScheme Scheme { get; }
    public ModelSource Source { get; private set; }
    public Device Device { get; }
    public InferencePrecision Precision { get; }

    /// <summary>Model input height and width.</summary>
    public int Height { get; }
    public int Width { get; }

    /// <summary>The normalised input 1 x 3 x Height x Width on the model's device (the evaluation transform: bilinear resize,
    /// ImageNet normalisation).</summary>
    public Tensor Preprocess(RgbImage image)
    {
        var chw = new float[3 * Height * Width];
        using (var rgb = ImageFiles.FromBytes(image.Pixels, image.Width, image.Height, MatType.CV_8UC3))
        {
            if (image.Width == Width && image.Height == Height)
            {
                Normalization.ImageNet.ToChw(rgb, chw);
            }
            else
            {
                using var resized = new Mat();
                Cv2.Resize(rgb, resized, new OpenCvSharp.Size(Width, Height), 0, 0, InterpolationFlags.Linear);
                Normalization.ImageNet.ToChw(resized, chw);
            }
        }
        // Host staging tensor, named CPU so that a default device set elsewhere cannot move it by surprise.
        var input = tensor(chw, [1, 3, Height, Width], ScalarType.Float32, device: CPU);
        if (Device.type == DeviceType.CPU) return input;
        // Page-locked memory lets the copy run asynchronously (the caching host allocator keeps it until the copy is done).
        using (input)
        using (var pinned = input.pin_memory())
            return pinned.to(Device, non_blocking: true);
    }

    /// <summary>
    /// Logits at the input size for a preprocessed batch: one forward pass, or the sum of the TTA passes
    /// (each resized back to the input size, bilinear, align_corners=False). Call under inference mode.
    /// </summary>
    public Tensor InputLogits(Tensor input, TestTimeAugmentation? tta = null)
    {
        tta ??= TestTimeAugmentation.None;
        int h = (int)input.shape[2], w = (int)input.shape[3];
        if (_online is not null && (tta.Flip || tta.TtaSizes(h, w).Count() > 1))
            throw new InvalidOperationException(
                "Online adaptation predicts from its adapting pass: TTA would adapt once per pass; score it without TTA.");
        using var scope = NewDisposeScope();
        Tensor? sum = null;
        foreach (var (sh, sw) in tta.TtaSizes(h, w))
        {
            var scaled = sh == h && sw == w
                ? input
                : F.interpolate(input, size: [sh, sw], mode: InterpolationMode.Bilinear, align_corners: false);
            Accumulate(ref sum, Resize(Forward(scaled), h, w));
            if (tta.Flip) Accumulate(ref sum, Resize(Forward(scaled.flip(3)).flip(3), h, w));
        }
        return sum!.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Online test-time adaptation (TENT) that every forward pass runs, or null. With it the predictor adapts while it
    /// predicts, in float32, one model, without TTA; its predictions then depend on the order of the images.
    /// </summary>
    public IOnlineAdaptation? Online
    {
        get => _online;
        set
        {
            if (value is not null && (_members.Count > 0 || Precision != InferencePrecision.Fp32))
                throw new InvalidOperationException("Online adaptation runs on one float32 model (not an ensemble, not bf16).");
            _online = value;
        }
    }

    private IOnlineAdaptation? _online;

    /// <summary>Inference mode, except while adapting online (which needs gradients).</summary>
    private IDisposable PredictionMode() => _online is null ? inference_mode() : enable_grad();

    /// <summary>One forward pass in the predictor's precision; float32 logits either way (an ensemble's: the log of its
    /// members' mean probabilities).</summary>
    private Tensor Forward(Tensor input)
    {
        if (_online is not null) return _online.Forward(Model, input);
        if (_members.Count == 0) return Forward(Model, input);
        using var scope = NewDisposeScope();
        var sum = F.softmax(Forward(Model, input), 1);
        foreach (var member in _members) sum.add_(F.softmax(Forward(member, input), 1));
        return sum.div_(_members.Count + 1).clamp_min_(1e-12).log_().MoveToOuterDisposeScope();
    }

    private Tensor Forward(DeepLabV3Plus model, Tensor input) => Precision == InferencePrecision.Bf16
        ? model.call(input.to(ScalarType.BFloat16)).to(ScalarType.Float32)
        : model.call(input);

    private static void Accumulate(ref Tensor? sum, Tensor logits)
    {
        if (sum is null) sum = logits;
        else sum.add_(logits);
    }

    /// <summary>Bilinear resize of logits (align_corners=False); the tensor itself when the size already matches.</summary>
    public static Tensor Resize(Tensor logits, int height, int width) =>
        logits.shape[2] == height && logits.shape[3] == width
            ? logits
            : F.interpolate(logits, size: [height, width], mode: InterpolationMode.Bilinear, align_corners: false);

    /// <summary>Logits 1 x C x <paramref name="height"/> x <paramref name="width"/> for an image (on the model's device).</summary>
    public Tensor LogitsAt(RgbImage image, int height, int width, TestTimeAugmentation? tta = null)
    {
        using var mode = PredictionMode();
        using var scope = NewDisposeScope();
        var logits = InputLogits(Preprocess(image), tta);
        return Resize(logits, height, width).MoveToOuterDisposeScope();
    }

    /// <summary>Class indices (row-major, <paramref name="height"/> x <paramref name="width"/>) after suppression and argmax.</summary>
    public byte[] PredictIndices(RgbImage image, int height, int width, PredictionOptions? options = null)
    {
        options ??= PredictionOptions.Plain;
        using var mode = PredictionMode();
        using var scope = NewDisposeScope();
        var logits = LogitsAt(image, height, width, options.Augmentation);
        return Argmax(logits, options.Suppressed);
    }

    /// <summary>
    /// Class indices of several images from one forward pass per TTA pass (the batch runs at the input size),
    /// each image's logits resized to its own <paramref name="sizes"/> entry before suppression and argmax.
    /// </summary>
    public IReadOnlyList<byte[]> PredictIndices(IReadOnlyList<RgbImage> images, IReadOnlyList<(int Height, int Width)> sizes,
        PredictionOptions? options = null)
    {
        if (images.Count != sizes.Count) throw new ArgumentException($"{images.Count} images but {sizes.Count} sizes.");
        if (images.Count == 0) return [];
        options ??= PredictionOptions.Plain;
        using var mode = PredictionMode();
        using var scope = NewDisposeScope();
        var logits = InputLogits(cat(images.Select(Preprocess).ToList(), 0), options.Augmentation);
        return Enumerable.Range(0, images.Count)
            .Select(i => Argmax(Resize(logits.narrow(0, i, 1), sizes[i].Height, sizes[i].Width), options.Suppressed))
            .ToList();
    }

    /// <summary>Class indices at the image's own size (logits upsampled before argmax).</summary>
    public byte[] PredictIndices(RgbImage image, PredictionOptions? options = null) =>
        PredictIndices(image, image.Height, image.Width, options);

    /// <summary>The prediction at the image's own size as raw class values (the ground-truth format).</summary>
    public RawMask PredictRaw(RgbImage image, PredictionOptions? options = null)
    {
        var indices = PredictIndices(image, options);
        var raw = new RawMask(image.Width, image.Height);
        Scheme.ToRaw(indices, raw.Values);
        return raw;
    }

    /// <summary>Argmax over classes of 1 x C x H x W logits after suppression, as bytes.</summary>
    public byte[] Argmax(Tensor logits, AbsentClassSuppression? suppression = null)
    {
        using var scope = NewDisposeScope();
        var masked = (suppression ?? AbsentClassSuppression.None).Apply(logits, Scheme);
        return IO.TensorData.ToArray<byte>(ClassIndices.Of(masked).to(ScalarType.Byte).cpu());
    }

    public override string ToString() => Source + (Precision == InferencePrecision.Bf16 ? ", bf16" : "");

    public void Dispose()
    {
        (_online as IDisposable)?.Dispose();
        Model.Dispose();
        foreach (var member in _members) member.Dispose();
    }
}
