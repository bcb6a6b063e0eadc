using System.Reflection;
using TorchSharp;
using static TorchSharp.torch;

namespace DesertSeg.Lab.Devices;

/// <summary>
/// Where the workspace computes: parsed from "auto", "cpu", "cuda" or "cuda:N". "auto" takes CUDA when it is
/// available. A CUDA build (TorchSharp-cuda-windows / -linux) on a machine where CUDA is not available says so
/// loudly (<see cref="Warning"/>) instead of quietly running on the CPU; asking for "cuda" there is an error.
/// On CUDA, TF32 is switched on for matrix multiplies and convolutions (the float32 path of Ampere and later).
/// </summary>
public static class ComputeDevice
{
    /// <summary>The TorchSharp backend the library was built with: cpu, cuda-windows or cuda-linux.</summary>
    public static string Backend { get; } =
        typeof(ComputeDevice).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "TorchSharpBackend")?.Value ?? "cpu";

    /// <summary>True when the build carries LibTorch's CUDA binaries.</summary>
    public static bool IsCudaBuild => Backend.StartsWith("cuda", StringComparison.Ordinal);

    /// <summary>Whether CUDA can be used here (false on a CPU build without error).</summary>
    public static bool CudaAvailable
    {
        get
        {
            try { return cuda.is_available(); }
            catch (Exception e) when (e is DllNotFoundException or TypeInitializationException or NotSupportedException) { return false; }
        }
    }

    /// <summary>A loud line when a CUDA build finds no usable GPU (driver missing or too old), else null.</summary>
    public static string? Warning => IsCudaBuild && !CudaAvailable
        ? $"WARNING: this build uses TorchSharp's {Backend} backend but CUDA is not available " +
          "(is the NVIDIA driver for CUDA 12.8 installed?). " +
          "Everything runs on the CPU, far slower than the report's GPU."
        : null;

    /// <summary>The device a spec names; "auto" (or null) is CUDA when available, else the CPU.</summary>
    /// <exception cref="ArgumentException">An unknown spec, or CUDA asked for where it is not available.</exception>
    public static Device Resolve(string? spec)
    {
        string text = (spec ?? "auto").Trim().ToLowerInvariant();
        if (text == "auto") return Configure(CudaAvailable ? CUDA : CPU);
        if (text == "cpu") return CPU;
        if (text == "cuda" || text.StartsWith("cuda:", StringComparison.Ordinal))
        {
            if (!CudaAvailable)
                throw new ArgumentException($"Device '{spec}': CUDA is not available here (backend {Backend}). " +
                    (IsCudaBuild
                        ? "Check the NVIDIA driver (CUDA 12.8)."
                        : "Build with a CUDA backend: dotnet build -p:TorchSharpBackend=cuda-windows (or cuda-linux)."));
            int index = 0;
            if (text.Length > 4 && (!int.TryParse(text[5..], out index) || index < 0 || index >= cuda.device_count()))
                throw new ArgumentException(
                    $"Device '{spec}': there are {cuda.device_count()} CUDA devices (cuda:0 .. cuda:{cuda.device_count() - 1}).");
            return Configure(new Device(DeviceType.CUDA, index));
        }
        throw new ArgumentException($"Unknown device '{spec}'. Use auto, cpu, cuda or cuda:N.");
    }

    /// <summary>Switches TF32 on for CUDA matrix multiplies and cuDNN convolutions (PyTorch's defaults differ per
    /// operation; the report's bf16 autocast ran them in reduced precision anyway).</summary>
    public static Device Configure(Device device)
    {
        if (device.type == DeviceType.CUDA)
        {
            backends.cuda.matmul.allow_tf32 = true;
            backends.cudnn.allow_tf32 = true;
        }
        return device;
    }

    /// <summary>One line: backend, device, TF32 switches.</summary>
    public static string Describe(Device device) =>
        $"backend {Backend}, device {device}" + (device.type == DeviceType.CUDA
            ? $", TF32 matmul {backends.cuda.matmul.allow_tf32}, TF32 cuDNN {backends.cudnn.allow_tf32}"
            : $", {get_num_threads()} CPU threads");
}
