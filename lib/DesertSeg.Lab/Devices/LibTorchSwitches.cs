using System.Runtime.InteropServices;
using static TorchSharp.torch;

namespace DesertSeg.Lab.Devices;

/// <summary>
/// LibTorch's global switches that TorchSharp does not expose, set through LibTorch's own exported functions
/// (<c>at::globalContext()</c> and its setters), once per process, before the first model is built.
/// <para>NNPACK is switched off. On CPUs it does not support (this project's AMD EPYC virtual machines) LibTorch's first
/// probe of it prints "Could not initialize NNPACK! Reason: Unsupported hardware." on stderr, once per thread that runs a
/// convolution (174 lines in one main job, many inside notebook outputs); PyTorch's convolution checks the user switch
/// before probing, so with it off the probe never runs. Nothing is lost: LibTorch picks NNPACK only for CPU batches of 16
/// or more, which no scale here runs (quick trains batch 8), and oneDNN serves those shapes anyway.</para>
/// <para>glibc is also told to keep freed tensor memory for reuse between epochs (<see cref="IO.NativeMemory"/>).</para>
/// </summary>
public static class LibTorchSwitches
{
    private static readonly Lazy<bool> Applied = new(Apply, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>True once the switches are set (false where LibTorch's exports were not found: a build without them).</summary>
    public static bool EnsureApplied() => Applied.Value;

    // Itanium (Linux, macOS) and MSVC (Windows) names of at::globalContext() and at::Context::setUserEnabledNNPACK(bool).
    private static readonly (string Context, string SetNnpack)[] Exports =
    [
        ("_ZN2at13globalContextEv", "_ZN2at7Context20setUserEnabledNNPACKEb"),
        ("?globalContext@at@@YAAEAVContext@1@XZ", "?setUserEnabledNNPACK@Context@at@@QEAAX_N@Z"),
    ];

    private static unsafe bool Apply()
    {
        IO.NativeMemory.KeepFreedBlocksForReuse();
        InitializeDeviceType(TorchSharp.DeviceType.CPU);
        foreach (string library in new[] { "libtorch_cpu.so", "torch_cpu.dll", "libtorch_cpu.dylib" })
        {
            if (!NativeLibrary.TryLoad(library, out var handle)) continue;
            foreach (var (context, setNnpack) in Exports)
            {
                if (!NativeLibrary.TryGetExport(handle, context, out var getContext)
                    || !NativeLibrary.TryGetExport(handle, setNnpack, out var setter)) continue;
                // A member function takes `this` as its first argument in both ABIs on x64; C++ bool is one byte.
                var contextPointer = ((delegate* unmanaged<IntPtr>)getContext)();
                ((delegate* unmanaged<IntPtr, byte, void>)setter)(contextPointer, 0);
                return true;
            }
        }
        return false;
    }
}
