using DesertSeg.Lab.IO;

namespace DesertSeg.Lab.Tests;

public class NativeLibraryErrorTests
{
    [Fact]
    public void TypeInitializerFailureNamesTheLibraryAndTheLoadersReason()
    {
        // What OpenCvSharp throws when its native library cannot be loaded: the type initializer hides the reason.
        var thrown = new TypeInitializationException("OpenCvSharp.Internal.NativeMethods",
            new DllNotFoundException("Unable to load shared library 'OpenCvSharpExtern': " +
                "libtesseract.so.5: cannot open shared object file"));

        var error = new NativeLibraryException("OpenCV (OpenCvSharpExtern)", new AggregateException(thrown, thrown));

        Assert.Equal("could not load the native library OpenCV (OpenCvSharpExtern): Unable to load shared library 'OpenCvSharpExtern': " +
                     "libtesseract.so.5: cannot open shared object file", error.Message);
    }

    [Fact]
    public void TheNativeLibrariesOfThisMachineLoad() => NativeLibraries.EnsureLoaded();

    [Fact]
    public void LibTorchErrorsKeepTheirReason_WithoutTheCppBacktrace()
    {
        using var counts = TorchSharp.torch.zeros(2, TorchSharp.torch.ScalarType.Int64);
        var error = Assert.ThrowsAny<Exception>(() => counts.add_(1, 0.5));
        Assert.Contains("frame #", error.Message); // what LibTorch says
        Assert.Equal("For integral input tensors, argument alpha must not be a floating point number.",
            DesertSeg.Lab.IO.NativeLibraryException.Reason(error));
    }
}
