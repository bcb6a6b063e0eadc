using OpenCvSharp;
using static TorchSharp.torch;

namespace DesertSeg.Lab.IO;

/// <summary>A native library (OpenCV, LibTorch) could not be loaded: which one, and the loader's own reason.</summary>
public sealed class NativeLibraryException(string library, Exception cause)
    : Exception($"could not load the native library {library}: {Reason(cause)}{Hint(Reason(cause))}", cause)
{
    /// <summary>What to install for the failures seen on fresh machines.</summary>
    private static string Hint(string reason) =>
        reason.Contains("libgtk-3", StringComparison.Ordinal)
            ? " (OpenCV's Linux build needs GTK 3: on Debian/Ubuntu, apt-get install libgtk-3-0)"
            : "";

    public string Library { get; } = library;

    /// <summary>The innermost message: a type initializer's failure only says "threw an exception".</summary>
    public static string Reason(Exception e)
    {
        while (e is TypeInitializationException or System.Reflection.TargetInvocationException or AggregateException
            && e.InnerException is not null)
            e = e.InnerException!;
        // LibTorch appends its C++ backtrace ("Exception raised from ... frame #0: ...") to the message: keep the reason.
        string message = e.Message;
        int backtrace = message.IndexOf("Exception raised from", StringComparison.Ordinal);
        if (backtrace > 0) message = message[..backtrace];
        return message.Trim().Split('\n')[0].Trim();
    }
}

/// <summary>
/// Loads the native libraries once, on the calling thread, before any worker thread needs them. A load that
/// fails inside a type initializer on two loader threads at once surfaced as an AggregateException that said
/// twice only "The type initializer for 'OpenCvSharp.Internal.NativeMethods' threw an exception"; loading
/// here first turns that into one <see cref="NativeLibraryException"/> that names the library and the reason.
/// </summary>
public static class NativeLibraries
{
    private static readonly Lazy<bool> Loaded = new(Load, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <exception cref="NativeLibraryException">OpenCV or LibTorch failed to load.</exception>
    public static void EnsureLoaded() => _ = Loaded.Value;

    private static bool Load()
    {
        Probe("OpenCV (OpenCvSharpExtern)", () => _ = Cv2.GetVersionString());
        Probe("LibTorch (TorchSharp)", () => Devices.LibTorchSwitches.EnsureApplied());
        return true;
    }

    private static void Probe(string library, Action load)
    {
        try { load(); }
        catch (Exception e) when (e is TypeInitializationException or DllNotFoundException or EntryPointNotFoundException
            or BadImageFormatException or NotSupportedException)
        {
            throw new NativeLibraryException(library, e);
        }
    }
}
