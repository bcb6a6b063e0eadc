using DesertSeg.Lab.IO;
using OpenCvSharp;
using static TorchSharp.torch;

namespace DesertSeg.Lab.Adaptation;

/// <summary>8-bit RGB images to and from float tensors 3 x H x W on the CPU (0..255).</summary>
internal static class MatTensors
{
    public static Tensor ToChw(Mat rgb)
    {
        byte[] bytes = ImageFiles.ToBytes(rgb);
        using var hwc = tensor(bytes, [rgb.Height, rgb.Width, 3], ScalarType.Byte, device: CPU);
        return hwc.permute(2, 0, 1).to(ScalarType.Float32);
    }

    /// <summary>Writes a 3 x H x W tensor into the 8-bit RGB image of the same size, rounded and clamped to 0..255.</summary>
    public static void FromChw(Tensor chw, Mat rgb)
    {
        using var scope = NewDisposeScope();
        var hwc = chw.round().clamp(0, 255).to(ScalarType.Byte).permute(1, 2, 0).contiguous();
        byte[] bytes = IO.TensorData.ToArray<byte>(hwc);
        using var source = ImageFiles.FromBytes(bytes, rgb.Width, rgb.Height, MatType.CV_8UC3);
        source.CopyTo(rgb);
    }
}
