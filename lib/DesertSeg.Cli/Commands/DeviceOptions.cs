using System.CommandLine;
using DesertSeg.Lab.Devices;
using Spectre.Console;
using static TorchSharp.torch;

namespace DesertSeg.Cli.Commands;

/// <summary>The --device option every computing command shares, and the loud warning of a CUDA build without CUDA.</summary>
public static class DeviceOptions
{
    public static Option<string> Device() => new("--device")
    {
        Description = "auto (CUDA when available, else CPU), cpu, cuda or cuda:N.",
        DefaultValueFactory = _ => "auto",
    };

    /// <summary>The device named, after printing <see cref="ComputeDevice.Warning"/> when there is one.</summary>
    public static Device Resolve(string? spec)
    {
        if (ComputeDevice.Warning is { } warning) Console.Error.WriteLine(warning);
        return ComputeDevice.Resolve(spec);
    }
}
