using TorchSharp;
using static TorchSharp.torch;

namespace DesertSeg.Lab.Data.Loading;

/// <summary>
/// One batch as plain arrays, made by the loader's workers. Tensors are made only by <see cref="ToTensors"/>, on
/// the thread that trains, so that they land in that thread's dispose scope (scopes are per thread).
/// </summary>
public sealed class Batch
{
    internal Batch(int epoch, int number, IReadOnlyList<int> sampleIndices, IReadOnlyList<string> ids, int height, int width)
    {
        Epoch = epoch;
        Number = number;
        SampleIndices = sampleIndices;
        Ids = ids;
        Height = height;
        Width = width;
        Images = new float[sampleIndices.Count * 3 * height * width];
        Masks = new byte[sampleIndices.Count * height * width];
    }

    public int Epoch { get; }

    /// <summary>Position of the batch in its epoch, from 0.</summary>
    public int Number { get; }

    /// <summary>Data set indices of the samples, in batch order.</summary>
    public IReadOnlyList<int> SampleIndices { get; }

    public IReadOnlyList<string> Ids { get; }

    public int Count => SampleIndices.Count;
    public int Height { get; }
    public int Width { get; }

    /// <summary>Normalised images, N x 3 x H x W, row-major.</summary>
    public float[] Images { get; }

    /// <summary>Class indices, N x H x W, row-major; 255 = ignore.</summary>
    public byte[] Masks { get; }

    internal Span<float> ImageOf(int slot) => Images.AsSpan(slot * 3 * Height * Width, 3 * Height * Width);

    internal Span<byte> MaskOf(int slot) => Masks.AsSpan(slot * Height * Width, Height * Width);

    /// <summary>
    /// Copies the batch into new tensors on <paramref name="device"/>: images float32 N x 3 x H x W, masks int64
    /// N x H x W (what cross-entropy takes). Call it inside the training step's torch.NewDisposeScope(), or dispose
    /// the result; intermediate tensors are disposed here.
    /// </summary>
    public BatchTensors ToTensors(Device? device = null)
    {
        device ??= CPU;
        // Host staging tensors name the CPU: only the copy below decides where the batch lives.
        var images = torch.tensor(Images, [Count, 3, Height, Width], ScalarType.Float32, device: CPU);
        Tensor masks;
        // Bytes cross to the device before widening: an eighth of the transfer of int64.
        using (var bytes = torch.tensor(Masks, [Count, Height, Width], ScalarType.Byte, device: CPU))
        {
            if (device.type == DeviceType.CPU)
            {
                masks = bytes.to_type(ScalarType.Int64);
            }
            else
            {
                // Page-locked staging lets both copies run asynchronously with the GPU's work.
                using var pinnedMasks = bytes.pin_memory();
                using var onDevice = pinnedMasks.to(device, non_blocking: true);
                masks = onDevice.to_type(ScalarType.Int64);
                using var cpuImages = images;
                using var pinnedImages = cpuImages.pin_memory();
                images = pinnedImages.to(device, non_blocking: true);
            }
        }
        return new BatchTensors(images, masks);
    }
}

/// <summary>A batch's tensors; disposing disposes both (a surrounding dispose scope does the same).</summary>
public sealed record BatchTensors(Tensor Images, Tensor Masks) : IDisposable
{
    public void Dispose()
    {
        Images.Dispose();
        Masks.Dispose();
    }
}
