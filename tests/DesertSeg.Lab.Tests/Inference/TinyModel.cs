using DesertSeg.Lab.Checkpoints;
using DesertSeg.Lab.Data;
using DesertSeg.Lab.Inference;
using DesertSeg.Lab.Models;
using DesertSeg.Lab.Tests.Data;
using DesertSeg.Lab.Training;
using DesertSeg.Lab.Tests.Training;
using static TorchSharp.torch;

namespace DesertSeg.Lab.Tests.Inference;

/// <summary>
/// Random-weight ResNet-18 DeepLabV3+ models for inference tests: in memory, and as a run folder
/// (config.json + checkpoints/best.safetensors) beside a tiny Falcon data set, shared by a test class.
/// </summary>
public sealed class TinyModel : IDisposable
{
    public const int Height = 32, Width = 64;
    private readonly TempFolder _folder = new("desertseg-infer");

    public TinyModel()
    {
        Data = _folder.Combine("data");
        FalconFixture.WriteSmall(Data);
        RunFolder = WriteRun(_folder.Combine("run7"), "5", seed: 1);
    }

    /// <summary>A tiny Falcon data set (16x9 images; test has no Ground Clutter, Flowers or Logs).</summary>
    public string Data { get; }

    /// <summary>A 7-class run folder at 32x64.</summary>
    public string RunFolder { get; }

    public string Combine(params string[] parts) => _folder.Combine(parts);

    /// <summary>A random model of <paramref name="classes"/> outputs, seeded.</summary>
    public static DeepLabV3Plus Create(int classes, int seed)
    {
        manual_seed(seed);
        var model = DeepLabV3Plus.Create(new ModelConfig("resnet18", classes));
        model.eval();
        return model;
    }

    public static Predictor Predictor(int classes = 7, int seed = 1) =>
        new(Create(classes, seed), classes == 10 ? ClassScheme.TenClass : ClassScheme.SevenClass, Height, Width);

    /// <summary>Writes a run folder of phase <paramref name="phase"/>'s smoke configuration at 32x64 with a random checkpoint.</summary>
    public static string WriteRun(string folder, string phase, int seed)
    {
        var tiny = TrainingFixture.Tiny(phase);
        var config = tiny with { Height = Height, Width = Width, Model = tiny.Model with { Encoder = "resnet18" } };
        var run = new RunDirectory(folder);
        run.Initialise(config, new DatasetInfo("(test)", "none", new Dictionary<string, int>()));
        using var model = Create(config.Model.Classes, seed);
        model.ExportSafetensors(run.BestCheckpoint);
        return folder;
    }

    public void Dispose() => _folder.Dispose();
}
