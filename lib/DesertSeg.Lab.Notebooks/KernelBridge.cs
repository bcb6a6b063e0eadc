using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace DesertSeg.Lab.Notebooks;

/// <summary>
/// What a .NET Interactive kernel needs before the workspace's library can run in it. Runs when this
/// assembly loads (the notebook's <c>#r</c>), before any TorchSharp, OpenCV or chart type is touched.
/// </summary>
internal static class KernelBridge
{
    [ModuleInitializer]
    internal static void Initialise()
    {
        BindFSharpCoreToTheKernelsCopy();
        PreloadNativeLibraries();
    }

    /// <summary>
    /// Plotly.NET is built against FSharp.Core 10.1; the kernels ship 10.0. This folder carries no
    /// FSharp.Core.dll, so every request for FSharp.Core from Plotly.NET and its dependencies ends here and
    /// gets the kernel's own copy: one FSharp.Core in the process, whatever each assembly was compiled against.
    /// </summary>
    private static void BindFSharpCoreToTheKernelsCopy()
    {
        AppDomain.CurrentDomain.AssemblyResolve += (_, args) =>
        {
            if (new AssemblyName(args.Name).Name != "FSharp.Core") return null;
            return AppDomain.CurrentDomain.GetAssemblies()
                .Where(a => a.GetName().Name == "FSharp.Core")
                .OrderByDescending(a => a.GetName().Version)
                .FirstOrDefault();
        };
    }

    /// <summary>
    /// An application finds TorchSharp's and OpenCV's native libraries through its deps.json; a kernel
    /// loading this folder with <c>#r</c> does not read it. Loading them by full path first makes the later
    /// loads by name (DllImport) find them already in the process. Their own dependencies (libtorch, c10)
    /// sit beside them and are found by the libraries' $ORIGIN run path. The CUDA libraries of a CUDA build
    /// (torch_cuda, c10_cuda) are loaded first when they are there: TorchSharp looks for them by name from the
    /// application's folder, which in a kernel is the kernel's, and without them a notebook would quietly run
    /// on the CPU (notebook 00 prints the backend and device, and a CUDA build without CUDA warns).
    /// </summary>
    private static void PreloadNativeLibraries()
    {
        string here = Path.GetDirectoryName(typeof(KernelBridge).Assembly.Location)!;
        string rid = OperatingSystem.IsWindows() ? "win-x64" : OperatingSystem.IsMacOS() ? "osx-arm64" : "linux-x64";
        string native = Path.Combine(here, "runtimes", rid, "native");
        string[] libraries = OperatingSystem.IsWindows()
            ? ["c10.dll", "c10_cuda.dll", "torch_cpu.dll", "torch_cuda.dll", "torch.dll", "LibTorchSharp.dll", "OpenCvSharpExtern.dll"]
            : OperatingSystem.IsMacOS() ? ["libLibTorchSharp.dylib", "libOpenCvSharpExtern.dylib"]
            : ["libc10_cuda.so", "libtorch_cuda.so", "libLibTorchSharp.so", "libOpenCvSharpExtern.so"];
        foreach (var library in libraries)
        {
            string path = Path.Combine(native, library);
            if (File.Exists(path)) NativeLibrary.TryLoad(path, out _);
        }
    }
}
