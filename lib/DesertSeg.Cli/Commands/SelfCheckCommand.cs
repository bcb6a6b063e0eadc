using System.CommandLine;
using DesertSeg.Lab.Devices;
using Spectre.Console;

namespace DesertSeg.Cli.Commands;

/// <summary><c>desertseg selfcheck</c>: a training step of every encoder on this machine's LibTorch.</summary>
public static class SelfCheckCommand
{
    public static Command Create()
    {
        var device = DeviceOptions.Device();
        var command = new Command("selfcheck",
            "One training step (forward, loss, backward) of DeepLabV3+ with every encoder on a small input: checks that this " +
            "machine's LibTorch trains every model (e.g. no native crash in a convolution's backward pass).") { device };
        command.SetAction(r => CommandGuard.Run(() =>
        {
            AnsiConsole.WriteLine($"LibTorch on {ComputeDevice.Describe(DeviceOptions.Resolve(r.GetValue(device)))}");
            foreach (var result in SelfCheck.Run(DeviceOptions.Resolve(r.GetValue(device))))
                AnsiConsole.WriteLine($"{result.Encoder}: training step ok ({result.Seconds:F1} s)");
            return CommandGuard.Ok;
        }));
        return command;
    }
}
