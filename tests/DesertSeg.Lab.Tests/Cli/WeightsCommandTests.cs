using DesertSeg.Lab.Checkpoints;
using DesertSeg.Lab.Checkpoints.Pretrained;
using DesertSeg.Lab.Tests.Checkpoints;

namespace DesertSeg.Lab.Tests.Cli;

public class WeightsCommandTests
{
    [Fact]
    public void ListsTheEncodersAndWhereTheirWeightsComeFrom()
    {
        var result = CliRunner.Run("weights");

        Assert.True(result.ExitCode == 0, result.ToString());
        foreach (var name in new[] { "resnet18-imagenet", "resnet18", "resnet34", "resnet50", "resnet101" })
            Assert.Contains(name, result.Output);
        Assert.Contains("Microsoft.ML.DnnImageFeaturizer.ResNet18", result.Output);
        Assert.Contains("--encoder-weights", result.Output);
    }

    [Trait(Tier.Category, Tier.Slow)]
    [Fact]
    public void WritesTheConvertedEncoderWithTorchvisionNames()
    {
        using var temp = new TempFolder();
        string path = temp.Combine("resnet18-imagenet.safetensors");

        var result = CliRunner.Run("weights", "--encoder", "resnet18-imagenet", "--out", path);

        Assert.True(result.ExitCode == 0, result.ToString());
        var tensors = SafetensorsFile.Read(path);
        try
        {
            Assert.Equal(PretrainedEncoderTests.TorchvisionResNetKeys([2, 2, 2, 3]), tensors.Keys.ToList());
            Assert.Equal([64L, 3, 7, 7], tensors["conv1.weight"].shape);
            Assert.Equal([512L, 512, 3, 3], tensors["layer4.2.conv2.weight"].shape);
        }
        finally
        {
            foreach (var t in tensors.Values) t.Dispose();
        }
        Assert.Equal([path], Directory.GetFiles(temp.Path)); // no temporary file left behind
    }

    [Fact]
    public void CorruptOrMissingOnnxIsAClearErrorAndWritesNothing()
    {
        using var temp = new TempFolder();
        string corrupt = temp.Combine("ResNet18.onnx");
        // A download cut short: the first megabyte of the real file.
        using (var source = File.OpenRead(PretrainedEncoders.ResNet18OnnxFile))
        {
            var head = new byte[1 << 20];
            source.ReadExactly(head);
            File.WriteAllBytes(corrupt, head);
        }
        string missing = temp.Combine("nowhere", "ResNet18.onnx");
        string outFile = temp.Combine("out", "weights.safetensors");

        foreach (var (onnx, problem) in new[] { (corrupt, "not a valid ONNX model"), (missing, "ONNX file not found") })
        {
            var result = ChildProcess.Run("dotnet",
                [Path.Combine(AppContext.BaseDirectory, "desertseg.dll"), "weights", "--encoder", "resnet18-imagenet", "--out", outFile],
                environment: new Dictionary<string, string?>
                {
                    ["COLUMNS"] = "200",
                    ["DESERTSEG_DEBUG"] = null,
                    [PretrainedEncoders.OnnxPathVariable] = onnx
                });

            Assert.NotEqual(0, result.ExitCode);
            Assert.Contains($"error: {onnx}: ", result.Output);
            Assert.Contains(problem, result.Output);
            Assert.DoesNotContain("   at ", result.Output);
            Assert.False(File.Exists(outFile), result.ToString());
            Assert.True(!Directory.Exists(Path.GetDirectoryName(outFile))
                || Directory.GetFiles(Path.GetDirectoryName(outFile)!).Length == 0);
        }

        var unknown = CliRunner.Run("weights", "--encoder", "vgg16", "--out", outFile);
        Assert.NotEqual(0, unknown.ExitCode);
        Assert.Contains("Unknown pretrained encoder 'vgg16'", unknown.Output);
    }
}
