using DesertSeg.Lab.Devices;
using static TorchSharp.torch;

namespace DesertSeg.Lab.Tests.Devices;

public class ComputeDeviceTests
{
    [Fact]
    public void SpecsParseAndCudaIsRefusedWhereItIsNotAvailable()
    {
        Assert.Equal(TorchSharp.DeviceType.CPU, ComputeDevice.Resolve("cpu").type);
        Assert.Contains("Unknown device 'gpu'", Assert.Throws<ArgumentException>(() => ComputeDevice.Resolve("gpu")).Message);
        if (ComputeDevice.CudaAvailable)
        {
            Assert.Equal(TorchSharp.DeviceType.CUDA, ComputeDevice.Resolve("auto").type);
            Assert.True(backends.cuda.matmul.allow_tf32 && backends.cudnn.allow_tf32, "TF32 must be on for CUDA");
        }
        else
        {
            Assert.Equal(TorchSharp.DeviceType.CPU, ComputeDevice.Resolve("auto").type);
            Assert.Contains("CUDA is not available", Assert.Throws<ArgumentException>(() => ComputeDevice.Resolve("cuda")).Message);
            Assert.Contains("CUDA is not available", Assert.Throws<ArgumentException>(() => ComputeDevice.Resolve("cuda:1")).Message);
        }
    }

    [Fact]
    public void TheBuildKnowsItsBackendAndWarnsOnlyForACudaBuildWithoutCuda()
    {
        Assert.Contains(ComputeDevice.Backend, new[] { "cpu", "cuda-windows", "cuda-linux" });
        Assert.Equal(ComputeDevice.IsCudaBuild && !ComputeDevice.CudaAvailable, ComputeDevice.Warning is not null);
    }
}
