using System.Diagnostics;
using DesertSeg.Lab.Data;
using DesertSeg.Lab.Data.Augmentation;
using DesertSeg.Lab.Data.Loading;
using DesertSeg.Lab.IO;
using OpenCvSharp;
using static TorchSharp.torch;

namespace DesertSeg.Lab.Benchmarks;

/// <summary>
/// Throughput of the training loader: 960x540 PNG pairs through the Table-3 pipeline to batch tensors, at the
/// report's 512x896 and at a quick 144x256, with 1 and 2 workers (and 0: on the consuming thread).
/// Arguments: [--epochs N] [--batch N] [--images FOLDER] [--opencv-threads N].
/// </summary>
public sealed class LoaderBenchmark : IBenchmark
{
    public string Name => "loader";

    public string Description => "Table-3 loader images/s, 960x540 PNGs -> 512x896 and 144x256 tensors, 0/1/2 workers, per-stage split";


    public void Run(string[] args)
    {
        int epochs = IntArg(args, "--epochs", 3);
        int batchSize = IntArg(args, "--batch", 4);
        int openCvThreads = IntArg(args, "--opencv-threads", -1);
        string images = Array.IndexOf(args, "--images") >= 0 ? StringArg(args, "--images", "")
            : Workspace.FalconSampleImages("test")
              ?? throw new ArgumentException("No shared/falcon-samples beside the workspace: pass --images DIR (960x540 PNGs).");
        if (openCvThreads >= 0) Cv2.SetNumThreads(openCvThreads);

        string root = Path.Combine(Path.GetTempPath(), $"desertseg-loader-bench-{Guid.NewGuid():N}");
        try
        {
            int count = WriteDataSet(root, images);
            var split = FalconDataset.Open(root)[FalconLayout.Train];
            Console.WriteLine($"{count} pairs of 960x540 PNGs (images: {(Directory.Exists(images) ? images : "synthetic")}); " +
                $"batch {batchSize}, {epochs} timed epochs after one warm-up; {Environment.ProcessorCount} cores, " +
                $"OpenCV threads {Cv2.GetNumThreads()}, torch threads {get_num_threads()}");
            Console.WriteLine();
            Console.WriteLine($"{"output",-9} {"workers",7} {"images/s",9} {"ms/image",9} | stage ms/image (summed over threads): " +
                "decode-img decode-mask augment normalise tensor");
            foreach (var (h, w) in new[] { (512, 896), (144, 256) })
            foreach (int workers in new[] { 0, 1, 2 })
                Measure(split, h, w, workers, batchSize, epochs);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    private static void Measure(DataSplit split, int height, int width, int workers, int batchSize, int epochs)
    {
        var timings = new StageTimings();
        var dataset = new SegmentationDataset(split, ClassScheme.SevenClass,
            new AugmentationPipeline(AugmentationPreset.Table3, height, width));
        var loader = new SegmentationLoader(dataset,
            new LoaderOptions(batchSize, Shuffle: true, DropLast: true, Seed: 42, Workers: workers, Prefetch: 2), timings);

        Consume(loader, 0, timings); // warm-up: JIT, OpenCV and torch initialisation, file cache
        timings.Reset();
        int imagesSeen = 0;
        var clock = Stopwatch.StartNew();
        for (int epoch = 1; epoch <= epochs; epoch++) imagesSeen += Consume(loader, epoch, timings);
        double seconds = clock.Elapsed.TotalSeconds;

        double Ms(LoadStage s) => timings[s].TotalMilliseconds / imagesSeen;
        Console.WriteLine($"{height}x{width,-5} {workers,7} {imagesSeen / seconds,9:F1} {1000 * seconds / imagesSeen,9:F1} | " +
            $"{Ms(LoadStage.DecodeImage),10:F1} {Ms(LoadStage.DecodeMask),11:F1} {Ms(LoadStage.Augment),7:F1} " +
            $"{Ms(LoadStage.Normalize),9:F1} {Ms(LoadStage.Tensor),6:F1}");
    }

    /// <summary>Takes every batch as a trainer would: tensors made and disposed in a scope on this thread.</summary>
    private static int Consume(SegmentationLoader loader, int epoch, StageTimings timings)
    {
        int seen = 0;
        foreach (var batch in loader.Epoch(epoch))
        {
            long start = Stopwatch.GetTimestamp();
            using (NewDisposeScope())
            {
                var tensors = batch.ToTensors();
                GC.KeepAlive(tensors);
            }
            timings.Add(LoadStage.Tensor, Stopwatch.GetTimestamp() - start);
            seen += batch.Count;
        }
        return seen;
    }

    /// <summary>
    /// The shared real test images when present (16 of them), else 16 synthetic smooth images; each gets a 16-bit
    /// mask of irregular class bands (all ten classes), since the real test images come without masks.
    /// </summary>
    private static int WriteDataSet(string root, string imageFolder)
    {
        string split = Path.Combine(root, FalconLayout.TrainingRoot, FalconLayout.Train);
        Directory.CreateDirectory(Path.Combine(split, FalconLayout.Images));
        Directory.CreateDirectory(Path.Combine(split, FalconLayout.Masks));
        var sources = Directory.Exists(imageFolder)
            ? Directory.GetFiles(imageFolder, "*.png").Order().ToList()
            : [];
        int count = sources.Count > 0 ? sources.Count : 16;
        var random = new Random(1);
        for (int i = 0; i < count; i++)
        {
            string id = $"cc{i:D7}";
            string imagePath = Path.Combine(split, FalconLayout.Images, id + ".png");
            if (sources.Count > 0) File.Copy(sources[i], imagePath);
            else ImageFiles.WriteRgb(imagePath, SmoothImage(960, 540));
            MaskFiles.WriteRaw(Path.Combine(split, FalconLayout.Masks, id + ".png"), BandedMask(960, 540, random));
        }
        return count;
    }

    private static RgbImage SmoothImage(int width, int height)
    {
        using var noise = new Mat(height / 8, width / 8, MatType.CV_8UC3);
        Cv2.Randu(noise, Scalar.All(0), Scalar.All(256));
        using var smooth = new Mat();
        Cv2.Resize(noise, smooth, new OpenCvSharp.Size(width, height), 0, 0, InterpolationFlags.Cubic);
        var pixels = new byte[width * height * 3];
        smooth.GetArray(out Vec3b[] colours);
        for (int i = 0; i < colours.Length; i++)
        {
            pixels[3 * i] = colours[i].Item0;
            pixels[3 * i + 1] = colours[i].Item1;
            pixels[3 * i + 2] = colours[i].Item2;
        }
        return new RgbImage(width, height, pixels);
    }

    private static RawMask BandedMask(int width, int height, Random random)
    {
        var mask = new RawMask(width, height);
        var classes = FalconClass.All;
        double phase = random.NextDouble() * 6.28;
        for (int y = 0; y < height; y++)
        for (int x = 0; x < width; x++)
        {
            double wave = 40 * Math.Sin(x / 90.0 + phase);
            int band = (int)Math.Clamp((y + wave) * classes.Count / height, 0, classes.Count - 1);
            mask[x, y] = classes[band].RawValue;
        }
        return mask;
    }

    private static int IntArg(string[] args, string name, int fallback)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1]) : fallback;
    }

    private static string StringArg(string[] args, string name, string fallback)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
    }
}
