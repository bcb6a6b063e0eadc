using DesertSeg.Lab.Checkpoints;
using DesertSeg.Lab.Checkpoints.Pretrained;
using DesertSeg.Lab.Models;
using DesertSeg.Lab.Models.Encoders;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace DesertSeg.Lab.Tests.Checkpoints;

/// <summary>resnet18-imagenet: the weights converted from ML.NET's ResNet18.onnx, checked against ONNX
/// Runtime running that very file.</summary>
public class PretrainedEncoderTests(ITestOutputHelper output)
{
    private const int Side = 224;
    private static readonly double[] ImageNetMean = [0.485, 0.456, 0.406], ImageNetStd = [0.229, 0.224, 0.225];

    /// <summary>Relative max-abs error allowed between the converted encoder's pooled layer4 and the ONNX
    /// model's output. Measured 1.9e-4 to 3.6e-4 on these three images (the border of conv1, where zero
    /// padding differs between the two input conventions, and float32 rounding).</summary>
    private const double Tolerance = 1e-3;

    [Fact]
    public void ConvertedEncoderComputesWhatTheOnnxModelComputes()
    {
        string onnx = PretrainedEncoders.ResNet18OnnxFile;
        // Converted afresh (not the cache), so that the check is of the converter as it is now.
        using var temp = new TempFolder();
        string weights = temp.Combine("resnet18-imagenet.safetensors");
        PretrainedEncoders.Convert("resnet18-imagenet", weights);
        double[] bgrMeans = MeanImageChannelMeansByOnnxRuntime(
            Path.Combine(Path.GetDirectoryName(onnx)!, "..", "ResNetPrepOnnx", "ResNetPreprocess.onnx"));
        output.WriteLine($"mean image channel means (BGR): {string.Join(", ", bgrMeans.Select(m => m.ToString("F3")))}");

        using var scope = NewDisposeScope();
        using var encoder = new ResNetEncoder(ResNetSpec.ResNet18ImageNet, outputStride: 32);
        using (var state = StateDict.Load(weights))
        {
            var report = StateDictLoader.Load(encoder, state, weights, strict: true);
            Assert.True(report.IsExactMatch, report.ToString());
        }
        encoder.eval();

        using var session = new InferenceSession(onnx);
        string inputName = session.InputMetadata.Keys.Single();
        var rng = new Random(2024);
        double worst = 0;
        for (int image = 0; image < 3; image++)
        {
            // A random 8-bit RGB image, in each network's own input convention.
            var rgb = new byte[3 * Side * Side];
            rng.NextBytes(rgb);
            var normalised = new float[rgb.Length];
            var onnxInput = new DenseTensor<float>([1, 3, Side, Side]);
            for (int c = 0; c < 3; c++)
            {
                for (int i = 0; i < Side * Side; i++)
                {
                    byte p = rgb[c * Side * Side + i];
                    normalised[c * Side * Side + i] = (float)((p / 255.0 - ImageNetMean[c]) / ImageNetStd[c]);
                    onnxInput.Buffer.Span[(2 - c) * Side * Side + i] = (float)(p - bgrMeans[2 - c]); // BGR
                }
            }

            float[] expected;
            using (var results = session.Run([NamedOnnxValue.CreateFromTensor(inputName, onnxInput)]))
            {
                var result = results.Single().AsTensor<float>();
                Assert.Equal(512, (int)result.Length); // [1, 512, 1, 1]: the 7x7 average pool of layer4
                expected = result.ToArray();
            }

            float[] actual;
            using (no_grad())
            {
                var features = encoder.forward(tensor(normalised, [1, 3, Side, Side]));
                Assert.Equal([1L, 512, 7, 7], features[5].shape);
                actual = features[5].mean([2, 3]).flatten().data<float>().ToArray();
            }

            double maxAbs = expected.Zip(actual, (e, a) => Math.Abs(e - a)).Max();
            double scale = expected.Max(Math.Abs);
            double relative = maxAbs / scale;
            output.WriteLine($"image {image}: max |ONNX| {scale:F4}, max |diff| {maxAbs:E2}, relative {relative:E2}");
            Assert.True(scale > 0.1, $"ONNX features are nearly zero ({scale}); the comparison would be empty.");
            worst = Math.Max(worst, relative);
        }
        Assert.True(worst < Tolerance, $"relative max-abs error {worst:E2} exceeds {Tolerance:E0}");
    }

    [Fact]
    public void CachedFileHasTorchvisionKeysAndLoadsStrictlyIntoDeepLab()
    {
        string weights = PretrainedEncoders.WeightsFile("resnet18-imagenet");
        Assert.Equal(Path.Combine(Workspace.DataFolder, "pretrained", "resnet18-imagenet.safetensors"), weights);

        using (var state = StateDict.Load(weights))
        {
            var names = SafetensorsFile.Read(weights);
            try
            {
                Assert.Equal(TorchvisionResNetKeys([2, 2, 2, 3]), names.Keys.ToList());
            }
            finally
            {
                foreach (var t in names.Values) t.Dispose();
            }
            Assert.Equal(ScalarType.Int64, state["bn1.num_batches_tracked"].dtype);
            Assert.Equal(ScalarType.Float32, state["layer4.2.conv2.weight"].dtype);
        }

        using var model = DeepLabV3Plus.Create(new ModelConfig("resnet18-imagenet", 7));
        var report = model.LoadEncoderFromTorchvision(weights);
        Assert.True(report.IsExactMatch, report.ToString());
        Assert.Contains("encoder.layer4.2.conv2.weight", report.Loaded);
        Assert.Equal(TorchvisionResNetKeys([2, 2, 2, 3]).Count, report.Loaded.Count);

        // torchvision's resnet18 has two blocks in layer4: the file does not fit it.
        using var plain = DeepLabV3Plus.Create(new ModelConfig("resnet18", 7));
        var error = Assert.Throws<CheckpointException>(() => plain.LoadEncoderFromTorchvision(weights));
        Assert.Contains("layer4.2.conv1.weight", error.Message);
    }

    [Fact]
    public void TorchvisionEncodersAreListedWithoutBuiltInWeights()
    {
        Assert.Equal(["resnet18-imagenet", "resnet18", "resnet34", "resnet50", "resnet101"], PretrainedEncoders.All.Select(e => e.Name));
        Assert.Equal("resnet18-imagenet", PretrainedEncoders.Get("resnet18-imagenet").Architecture);
        var error = Assert.Throws<CheckpointException>(() => PretrainedEncoders.WeightsFile("resnet101"));
        Assert.Contains("torchvision.models.resnet101(weights=\"IMAGENET1K_V1\").state_dict()", error.Message);
        Assert.Contains("torch.save", error.Message);
        Assert.Throws<ArgumentException>(() => PretrainedEncoders.Get("vgg16"));
    }

    /// <summary>torchvision's state-dict names of a BasicBlock ResNet without fc, in its order, written out
    /// from torchvision's module layout.</summary>
    public static List<string> TorchvisionResNetKeys(int[] layers)
    {
        static IEnumerable<string> Bn(string p) =>
            new[] { "weight", "bias", "running_mean", "running_var", "num_batches_tracked" }.Select(s => $"{p}.{s}");
        var keys = new List<string> { "conv1.weight" };
        keys.AddRange(Bn("bn1"));
        for (int l = 0; l < 4; l++)
        {
            for (int b = 0; b < layers[l]; b++)
            {
                string p = $"layer{l + 1}.{b}";
                keys.Add($"{p}.conv1.weight");
                keys.AddRange(Bn($"{p}.bn1"));
                keys.Add($"{p}.conv2.weight");
                keys.AddRange(Bn($"{p}.bn2"));
                if (l > 0 && b == 0)
                {
                    keys.Add($"{p}.downsample.0.weight");
                    keys.AddRange(Bn($"{p}.downsample.1"));
                }
            }
        }
        return keys;
    }

    /// <summary>Runs ML.NET's preprocessing graph (RGB -> BGR minus the mean image) on a black image: its
    /// output is minus the mean image; its per-channel means are what the test subtracts.</summary>
    private static double[] MeanImageChannelMeansByOnnxRuntime(string preprocess)
    {
        using var session = new InferenceSession(Path.GetFullPath(preprocess));
        var zeros = new DenseTensor<float>([1, 3, Side, Side]);
        using var results = session.Run([NamedOnnxValue.CreateFromTensor(session.InputMetadata.Keys.Single(), zeros)]);
        float[] negativeMean = results.Single().AsTensor<float>().ToArray();
        int plane = Side * Side;
        return [.. Enumerable.Range(0, 3).Select(c => -negativeMean.Skip(c * plane).Take(plane).Average(v => (double)v))];
    }
}
