using System.Diagnostics;
using DesertSeg.Lab.Models;
using DesertSeg.Lab.Models.Encoders;
using TorchSharp;
using static TorchSharp.torch;

namespace DesertSeg.Lab.Devices;

/// <summary>One encoder's training step on this machine: how long it took, or what went wrong.</summary>
public sealed record SelfCheckResult(string Encoder, double Seconds);

/// <summary>
/// One training step (forward, loss, backward) of DeepLabV3+ with every encoder family on a small input, on this machine's
/// LibTorch: what the workspace needs of the native stack beyond inference. A native crash (a signal) cannot be caught, so
/// run it in a child process when the answer matters (<c>desertseg selfcheck</c>, and the tests do).
/// </summary>
public static class SelfCheck
{
    public static IEnumerable<SelfCheckResult> Run(Device? device = null, int batch = 2, int height = 64, int width = 64)
    {
        device ??= CPU;
        foreach (var spec in ResNetSpec.All)
        {
            var clock = Stopwatch.StartNew();
            using (var scope = NewDisposeScope())
            {
                using var model = DeepLabV3Plus.Create(new ModelConfig(spec.Name, 7));
                model.to(device);
                model.train();
                var x = randn(batch, 3, height, width, device: device);
                var y = randint(0, 7, [batch, height, width], device: device);
                var loss = nn.functional.cross_entropy(model.call(x), y);
                loss.backward();
                if (!float.IsFinite(loss.item<float>()))
                    throw new InvalidOperationException($"{spec.Name}: the training step's loss is not finite.");
            }
            yield return new SelfCheckResult(spec.Name, clock.Elapsed.TotalSeconds);
        }
    }
}
