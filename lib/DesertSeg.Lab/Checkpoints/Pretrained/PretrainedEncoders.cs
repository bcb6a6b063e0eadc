using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using DesertSeg.Lab.Models.Encoders;

namespace DesertSeg.Lab.Checkpoints.Pretrained;

/// <summary>An ImageNet encoder the workspace knows.</summary>
/// <param name="Name">What to ask for ("resnet18-imagenet", "resnet101", ...).</param>
/// <param name="Architecture">The <see cref="ResNetSpec"/> name (the <c>ModelConfig</c> encoder) its weights fit.</param>
/// <param name="Source">Where its weights come from.</param>
/// <param name="Description">One line about it.</param>
public sealed record PretrainedEncoder(string Name, string Architecture, string Source, string Description);

/// <summary>The ImageNet encoders: the built-in <c>resnet18-imagenet</c>, converted from the ONNX model in
/// the NuGet package Microsoft.ML.DnnImageFeaturizer.ResNet18 (restored by the ordinary build), and the
/// torchvision ResNets, whose checkpoints the user brings.</summary>
/// <remarks>Weights files are torchvision-named state dicts (conv1.weight, bn1.*, layer1.0.conv1.weight, ...,
/// no fc), loaded with <see cref="ModelCheckpoints.LoadEncoderFromTorchvision"/> or <c>--encoder-weights</c>.</remarks>
public static class PretrainedEncoders
{
    /// <summary>The built-in encoder's name (and architecture).</summary>
    public const string ResNet18ImageNet = "resnet18-imagenet";

    /// <summary>Environment variable naming another ResNet18.onnx to convert instead of the package's.</summary>
    public const string OnnxPathVariable = "DESERTSEG_RESNET18_ONNX";

    /// <summary>The NuGet package carrying ResNet18.onnx (downloaded by lib/DesertSeg.Lab's build).</summary>
    public const string PackageId = "Microsoft.ML.DnnImageFeaturizer.ResNet18";

    private const string PackageFolderMetadata = "DesertSeg.ResNet18OnnxFolder";

    public static IReadOnlyList<PretrainedEncoder> All { get; } =
    [
        new(ResNet18ImageNet, ResNetSpec.ResNet18ImageNet.Name,
            $"built in: NuGet {PackageId} (ResNet18.onnx, MIT), converted on first use",
            "ImageNet ResNet-18 trained in CNTK; BasicBlocks [2, 2, 2, 3]; input folded to RGB ImageNet normalisation"),
        .. new[] { ResNetSpec.ResNet18, ResNetSpec.ResNet34, ResNetSpec.ResNet50, ResNetSpec.ResNet101 }.Select(spec =>
            new PretrainedEncoder(spec.Name, spec.Name,
                "bring your own torchvision .pth via --encoder-weights",
                $"torchvision.models.{spec.Name}(weights=\"IMAGENET1K_V1\").state_dict(), saved with torch.save")),
    ];

    /// <summary>The encoder called <paramref name="name"/> (case-insensitive).</summary>
    /// <exception cref="ArgumentException">Unknown name; the message lists the known ones.</exception>
    public static PretrainedEncoder Get(string name) =>
        All.FirstOrDefault(e => string.Equals(e.Name, name, StringComparison.OrdinalIgnoreCase))
        ?? throw new ArgumentException($"Unknown pretrained encoder '{name}'. Known: {string.Join(", ", All.Select(e => e.Name))}.",
            nameof(name));

    /// <summary>True when the workspace makes the weights itself (no file to bring).</summary>
    public static bool IsBuiltIn(string name) => Get(name).Name == ResNet18ImageNet;

    /// <summary>Folder of the converted weights: <c>data/pretrained</c>.</summary>
    public static string CacheFolder => Path.Combine(Workspace.DataFolder, "pretrained");

    /// <summary>The cached torchvision-named safetensors file of <paramref name="name"/>, converted first
    /// when missing (atomically: a failed conversion leaves nothing behind).</summary>
    /// <exception cref="CheckpointException">The encoder has no built-in weights (the message says how to
    /// get them), or its ONNX source is missing or not the expected network.</exception>
    public static string WeightsFile(string name)
    {
        var encoder = Get(name);
        RequireBuiltIn(encoder);
        string onnx = ResNet18OnnxFile;
        string cache = Path.Combine(CacheFolder, CacheFileName(encoder, onnx));
        if (!File.Exists(cache)) Convert(encoder.Name, cache);
        return cache;
    }

    /// <summary>Converts <paramref name="name"/>'s weights from their source and writes them to
    /// <paramref name="path"/> as a torchvision-named safetensors state dict, atomically.</summary>
    public static void Convert(string name, string path)
    {
        var encoder = Get(name);
        RequireBuiltIn(encoder);
        string onnx = ResNet18OnnxFile;
        using var result = OnnxResNetReader.Read(onnx, ResNetSpec.Get(encoder.Architecture).Layers);
        double[] bgrMeans = OnnxResNetReader.MeanImageChannelMeans(PreprocessOnnxFile(onnx));
        var (conv1, runningMean) = InputConventionFold.Fold(result["conv1.weight"], result["bn1.running_mean"], bgrMeans);
        using (conv1)
        using (runningMean)
        {
            var entries = result.Entries.Select(e => e.Name switch
            {
                "conv1.weight" => (e.Name, conv1),
                "bn1.running_mean" => (e.Name, runningMean),
                _ => e,
            });
            SafetensorsFile.Write(path, entries);
        }
    }

    /// <summary>The ResNet18.onnx to convert: <see cref="OnnxPathVariable"/> when set, else the restored
    /// NuGet package's (its folder is recorded in the library at build time).</summary>
    public static string ResNet18OnnxFile =>
        Environment.GetEnvironmentVariable(OnnxPathVariable) is { Length: > 0 } overridden
            ? Path.GetFullPath(overridden)
            : Path.Combine(PackageModelsFolder, "ResNet18Onnx", "ResNet18.onnx");

    /// <summary>ResNetPreprocess.onnx (the mean image): beside <paramref name="onnx"/> in the package's
    /// layout or in the same folder, else the package's.</summary>
    private static string PreprocessOnnxFile(string onnx)
    {
        string folder = Path.GetDirectoryName(onnx)!;
        return new[]
        {
            Path.Combine(folder, "..", "ResNetPrepOnnx", "ResNetPreprocess.onnx"),
            Path.Combine(folder, "ResNetPreprocess.onnx"),
            Path.Combine(PackageModelsFolder, "ResNetPrepOnnx", "ResNetPreprocess.onnx"),
        }.Select(Path.GetFullPath).FirstOrDefault(File.Exists)
        ?? throw new CheckpointException(Path.Combine(PackageModelsFolder, "ResNetPrepOnnx", "ResNetPreprocess.onnx"),
            $"ONNX file not found (it holds the mean image). Restore NuGet {PackageId} with 'dotnet build' or 'dotnet restore'.");
    }

    private static string PackageModelsFolder =>
        typeof(PretrainedEncoders).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == PackageFolderMetadata)?.Value is { Length: > 0 } folder
            ? folder
            : throw new CheckpointException(PackageId,
                $"the library was built without the package's location; set {OnnxPathVariable} to a ResNet18.onnx.");

    private static void RequireBuiltIn(PretrainedEncoder encoder)
    {
        if (encoder.Name == ResNet18ImageNet)
        {
            string onnx = ResNet18OnnxFile;
            if (!File.Exists(onnx))
            {
                throw new CheckpointException(onnx,
                    $"ONNX file not found. It comes with NuGet {PackageId}, which 'dotnet build' (or 'dotnet restore') of " +
                    $"lib/DesertSeg.Lab downloads; or set {OnnxPathVariable} to a copy of ResNet18.onnx.");
            }
            return;
        }
        throw new CheckpointException(encoder.Name,
            $"no built-in weights. Save torchvision's in Python: torch.save(torchvision.models.{encoder.Architecture}" +
            $"(weights=\"IMAGENET1K_V1\").state_dict(), \"{encoder.Architecture}.pth\"), then pass the file with " +
            $"--encoder-weights {encoder.Architecture}.pth.");
    }

    /// <summary>resnet18-imagenet.safetensors for the package's model; another ONNX file (the environment
    /// variable) gets a name of its own, from its path, size and time, so it never reuses the wrong cache.</summary>
    private static string CacheFileName(PretrainedEncoder encoder, string onnx)
    {
        if (Environment.GetEnvironmentVariable(OnnxPathVariable) is not { Length: > 0 }) return $"{encoder.Name}.safetensors";
        var info = new FileInfo(onnx);
        byte[] hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{info.FullName}|{info.Length}|{info.LastWriteTimeUtc.Ticks}"));
        return $"{encoder.Name}-{System.Convert.ToHexString(hash, 0, 4).ToLowerInvariant()}.safetensors";
    }
}
