using System.Text;
using DesertSeg.Lab.Reporting;
using DesertSeg.Lab.Reporting.Charts;
using Microsoft.Data.Analysis;
using Plotly.NET;

namespace DesertSeg.Lab.Notebooks;

/// <summary>
/// What a notebook opens with. Its open cell (<c>#!import open.dib</c>, see <c>notebooks/open.dib</c>) builds and
/// references this library, then calls <see cref="Start"/> with the parameter cell's values. Start runs
/// <see cref="Setup"/>, which teaches the kernel to show Plotly charts (plotly.js carried inside the first chart's
/// output, so charts render offline) and DataFrames and prints what the workspace will run on, and returns the
/// study. Figure export is one line: <c>Notebook.Export(chart, "name")</c>.
/// </summary>
public static class Notebook
{
    private static int _chartCount;
    private static bool _plotlyLoaded;

    /// <summary>What runs the cells: the .NET Interactive kernel unless a runner without it (<c>desertseg notebook</c>) set
    /// its own before the first cell.</summary>
    public static INotebookHost Host { get; set; } = new KernelHost();

    /// <summary>Fails the running cell with <paramref name="error"/> (the open cell's catch; the caller rethrows).</summary>
    public static void Fail(Exception error) => Host.Fail(error);

    /// <summary>Where exported figures go: report/figures in the workspace, or DESERTSEG_FIGURES.</summary>
    public static string FiguresFolder => System.Environment.GetEnvironmentVariable("DESERTSEG_FIGURES") is { Length: > 0 } folder
        ? Path.GetFullPath(folder)
        : Path.Combine(Workspace.Root, "report", "figures");

    /// <summary>
    /// Setup, then the study every notebook steps through: the data set (the embedded synthetic desert,
    /// generated on first use, unless <paramref name="dataPath"/> names another), at a scale, with finished
    /// runs reused unless <paramref name="force"/>, and the encoder starting from ImageNet weights
    /// (<paramref name="encoderWeights"/>: a torchvision ResNet checkpoint; null uses the built-in
    /// resnet18-imagenet at quick and smoke scale). The environment variables DESERTSEG_SCALE,
    /// DESERTSEG_DATA_PATH and DESERTSEG_ENCODER_WEIGHTS override the parameter cell (headless runs and tests);
    /// DESERTSEG_FROM_SCRATCH=1 allows an encoder without ImageNet weights. Training shows a progress display that updates in
    /// place (<see cref="CellProgress"/>); the cell's stop button stops training and scoring (a run resumes from its last
    /// complete epoch when the cell runs again).
    /// </summary>
    /// <exception cref="Training.MissingEncoderWeightsException">Full scale without ImageNet weights: the message says how to get
    /// them.</exception>
    /// <param name="device">"auto" (CUDA when available), "cpu", "cuda" or "cuda:N"; DESERTSEG_DEVICE overrides it.</param>
    /// <param name="seed">The training seed of every run (default 42, the catalog's); DESERTSEG_SEED overrides it. Another seed
    /// trains other runs (as <c>desertseg train --seed N</c> and <c>reproduce --seeds</c> do), for error bars.</param>
    public static Studies.Study Start(string scale = "quick", string? dataPath = null, bool force = false, string? encoderWeights = null,
        string device = "auto", int seed = Training.PhaseCatalog.DefaultSeed)
    {
        Setup();
        var computeDevice = Devices.ComputeDevice.Resolve(Env("DESERTSEG_DEVICE") ?? device);
        Console.WriteLine($"compute: {Devices.ComputeDevice.Describe(computeDevice)}, training in float32");
        scale = Env("DESERTSEG_SCALE") ?? scale;
        dataPath = Env("DESERTSEG_DATA_PATH") ?? dataPath;
        encoderWeights = Env("DESERTSEG_ENCODER_WEIGHTS") ?? encoderWeights;
        if (Env("DESERTSEG_SEED") is { } seedText && !int.TryParse(seedText, out seed))
            throw new ArgumentException($"DESERTSEG_SEED: '{seedText}' is not an integer seed.");
        var spec = Data.Synthetic.SyntheticDatasetSpec.Default;
        int scenes = spec.TrainCount + spec.ValCount + spec.TestCount + spec.TargetCount + spec.OracleCount + spec.OracleValCount;
        var generation = dataPath is null && !Data.Synthetic.EmbeddedDataset.IsReady()
            ? Host.Progress("generating the embedded data set (once)", scenes)
            : null;
        string root = dataPath ?? Data.Synthetic.EmbeddedDataset.Ensure(progress: generation
            ?? new Progress<int>(n => { if (n % 32 == 0) Console.WriteLine($"generated {n} scenes"); }));
        var data = Data.FalconDataset.Open(root);
        var options = new Training.TrainingOptions(Device: computeDevice, EncoderWeightsFile: encoderWeights,
            FromScratch: Env("DESERTSEG_FROM_SCRATCH") == "1");
        // Training shows its progress in the running cell; the cell's stop button cancels whatever the study is doing.
        var host = Host;
        var study = new Studies.Study(data, scale, options: options, observer: host.TrainingObserver(), force: force, log: Console.Out,
            seed: seed)
        {
            CancellationSource = host.Cancellation,
            ProgressSource = host.Progress,
        };
        Console.WriteLine($"data: {data.Root} ({string.Join(", ", data.Splits.Select(s => $"{s.Name} {s.Count}"))}); scale: {scale}; seed: {seed}; " +
                          $"encoder weights: {study.CheckEncoderWeights()}");
        return study;
    }

    private static string? Env(string name) => System.Environment.GetEnvironmentVariable(name) is { Length: > 0 } value ? value : null;

    /// <summary>Registers the formatters and prints the environment; <see cref="Start"/> calls it first.</summary>
    public static void Setup()
    {
        // Every notebook run from the top carries plotly.js in its first chart again.
        _plotlyLoaded = false;
        Host.RegisterFormatters();
        TorchSharp.torch.set_num_threads(System.Environment.ProcessorCount);
        Console.WriteLine(Environment());
        // A CUDA build that finds no GPU must not pass unnoticed in a notebook either.
        if (Devices.ComputeDevice.Warning is { } warning) Console.Error.WriteLine(warning);
    }

    /// <summary>What the workspace runs on: device, threads, TorchSharp and data locations.</summary>
    public static string Environment()
    {
        bool cuda = Devices.ComputeDevice.CudaAvailable;
        return $"DesertSeg.Lab at {Workspace.Root}\n" +
               $"backend: {Devices.ComputeDevice.Backend}, device: {(cuda ? "CUDA" : "CPU")}, " +
               $"torch threads {TorchSharp.torch.get_num_threads()}, {System.Environment.ProcessorCount} cores, " +
               $"TorchSharp {typeof(TorchSharp.torch).Assembly.GetName().Version}, .NET {System.Environment.Version}\n" +
               $"embedded data: {Data.Synthetic.EmbeddedDataset.DefaultRoot}\nruns: {Workspace.RunsFolder}";
    }

    /// <summary>Saves the chart shown as figures (default PNG and HTML; "svg" too) under report/figures, and returns the paths.</summary>
    public static IReadOnlyList<string> Export(GenericChart chart, string name, params string[] formats)
    {
        if (formats.Length == 0) formats = ["png", "html"];
        var paths = formats.Select(f => Path.Combine(FiguresFolder, $"{name}.{f.TrimStart('.').ToLowerInvariant()}")).ToList();
        foreach (var path in paths) ChartImageExport.Save(chart, path);
        return paths;
    }

    /// <summary>A chart as HTML that draws offline: plotly.js inline before the first chart of a notebook run, then only the
    /// chart's own script.</summary>
    public static string ChartHtml(GenericChart chart)
    {
        var html = new StringBuilder();
        if (!_plotlyLoaded)
        {
            html.Append(PlotlyScript.GlobalScriptTags);
            _plotlyLoaded = true;
        }
        html.Append(PlotlyScript.DrawFragment(chart, $"desertseg-chart-{Interlocked.Increment(ref _chartCount)}-{Guid.NewGuid():N}"));
        return html.ToString();
    }
}
