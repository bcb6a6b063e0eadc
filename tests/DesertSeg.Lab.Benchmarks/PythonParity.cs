using DesertSeg.Lab.Checkpoints;
using DesertSeg.Lab.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace DesertSeg.Lab.Benchmarks;

/// <summary>Logit parity with the PyTorch mirror of smp (tools/python/smp_reference.py), both directions.
/// Needs Python with torch, so it is a tool run by hand, not a test.</summary>
/// <remarks>
/// export DIR ENCODER  -> DIR/model.safetensors, io.safetensors, encoder.txt; then
///                        python3 tools/python/smp_reference.py compare DIR
/// import DIR          <- after python3 tools/python/smp_reference.py export DIR ENCODER: loads
///                        DIR/model.safetensors and DIR/model.pth strictly, compares logits
/// torchvision DIR     <- after python3 tools/python/smp_reference.py torchvision DIR: loads the
///                        torchvision .pth/.safetensors into the encoder, compares layer1/layer4 features
/// </remarks>
public sealed class PythonParity : IBenchmark
{
    public string Name => "parity";
    public string Description => "logit parity with PyTorch: parity -- export|import|torchvision DIR [ENCODER]";

    public void Run(string[] args)
    {
        if (args.Length < 2) throw new ArgumentException("usage: parity -- export DIR ENCODER | import DIR | torchvision DIR");
        string dir = args[1];
        switch (args[0])
        {
            case "export": Export(dir, args.Length > 2 ? args[2] : "resnet18"); break;
            case "import": Import(dir); break;
            case "torchvision": Torchvision(dir); break;
            default: throw new ArgumentException($"unknown mode {args[0]}");
        }
    }

    private static void Export(string dir, string encoder)
    {
        using var scope = NewDisposeScope();
        manual_seed(0);
        using var model = DeepLabV3Plus.Create(new ModelConfig(encoder, 7));
        using (no_grad()) model.call(randn(2, 3, 64, 64)); // non-trivial BN statistics
        model.eval();
        var x = randn(1, 3, 64, 96);
        Tensor logits;
        using (inference_mode()) logits = model.call(x);
        Directory.CreateDirectory(dir);
        model.ExportSafetensors(Path.Combine(dir, "model.safetensors"));
        StateDict.SaveSafetensors(Path.Combine(dir, "io.safetensors"), [("input", x), ("logits", logits)]);
        File.WriteAllText(Path.Combine(dir, "encoder.txt"), encoder);
        Console.WriteLine($"exported {encoder}/7 and logits {string.Join("x", logits.shape)} to {dir}");
    }

    private static void Import(string dir)
    {
        string encoder = File.ReadAllText(Path.Combine(dir, "encoder.txt")).Trim();
        foreach (var file in new[] { "model.safetensors", "model.pth" })
        {
            using var scope = NewDisposeScope();
            using var model = DeepLabV3Plus.Create(new ModelConfig(encoder, 7));
            var report = model.LoadSmpCheckpoint(Path.Combine(dir, file));
            model.eval();
            using var io = StateDict.Load(Path.Combine(dir, "io.safetensors"));
            using var _ = inference_mode();
            var logits = model.call(io["input"]);
            double diff = (logits - io["logits"]).abs().max().item<float>();
            Console.WriteLine($"{file}: strict load of {report.Loaded.Count} tensors; max |torchsharp - pytorch| = {diff:E3} " +
                              $"(logit scale {io["logits"].abs().max().item<float>():E3})");
        }
    }

    private static void Torchvision(string dir)
    {
        foreach (var file in new[] { "resnet18_tv.pth", "resnet18_tv.safetensors" })
        {
            using var scope = NewDisposeScope();
            using var model = DeepLabV3Plus.Create(new ModelConfig("resnet18", 7));
            var report = model.LoadEncoderFromTorchvision(Path.Combine(dir, file));
            model.eval();
            using var io = StateDict.Load(Path.Combine(dir, "resnet18_tv_io.safetensors"));
            using var _ = inference_mode();
            var features = model.Encoder.call(io["input"]);
            double d1 = (features[2] - io["layer1"]).abs().max().item<float>();
            double d4 = (features[5] - io["layer4"]).abs().max().item<float>();
            Console.WriteLine($"{file}: loaded {report.Loaded.Count}, excluded {string.Join(", ", report.Excluded)}; " +
                              $"max diff layer1 {d1:E3}, layer4 {d4:E3} (scale {io["layer4"].abs().max().item<float>():E3})");
        }
    }
}
