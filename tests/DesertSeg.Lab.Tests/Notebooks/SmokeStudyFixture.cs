using DesertSeg.Lab.Data.Synthetic;

namespace DesertSeg.Lab.Tests.Notebooks;

/// <summary>
/// The study at smoke scale, shared by the notebook and reproduce tests: the notebook library built in
/// Release (what the notebooks' #r loads), the dotnet-repl tool restored, a small synthetic data set, and
/// one runs folder, so a phase trained by one test is reused by the next, as in a user's session.
/// </summary>
public sealed class SmokeStudyFixture : IDisposable
{
    private readonly TempFolder _folder = new("desertseg-notebooks");
    private readonly Lazy<Reproduction> _reproduction;

    public SmokeStudyFixture()
    {
        Root = Workspace.Root;
        Run("dotnet", "build lib/DesertSeg.Lab.Notebooks/DesertSeg.Lab.Notebooks.csproj -c Release -nologo -v quiet",
            TimeSpan.FromMinutes(5));
        Run("dotnet", "tool restore", TimeSpan.FromMinutes(3),
            "The notebook tests run every notebook in the real kernel through dotnet-repl (pinned in dotnet-tools.json), " +
            "and restoring it failed. " +
            "Run `dotnet tool restore` in the workspace (it needs NuGet), as .ci/run does.");
        DataPath = _folder.Combine("data");
        SyntheticFalconWriter.Write(DataPath,
            new SyntheticDatasetSpec(24, 8, 8, Seed: 11, Width: 480, Height: 270, TargetCount: 8, OracleCount: 16, OracleValCount: 8));
        RunsFolder = _folder.Combine("runs");
        FiguresFolder = _folder.Combine("figures");
        ArtifactsFolder = Path.Combine(Root, "artifacts", "notebooks");
        Directory.CreateDirectory(ArtifactsFolder);
        _reproduction = new Lazy<Reproduction>(() => new Reproduction(this));
    }

    /// <summary>The two passes of <c>reproduce</c> over this study (made on first use, shared by the reproduce tests).</summary>
    public Reproduction Reproduction => _reproduction.Value;

    public string Root { get; }
    public string DataPath { get; }
    public string RunsFolder { get; }
    public string FiguresFolder { get; }

    /// <summary>The executed notebooks (.ipynb with their outputs) are kept here as the run's artifacts.</summary>
    public string ArtifactsFolder { get; }

    private readonly object _notebooksGate = new();
    private Dictionary<string, TaskCompletionSource<(int ExitCode, string Output, string Executed)>>? _notebooks;
    private Dictionary<string, Task<HeadlessRun>>? _headless;

    /// <summary>A notebook run without .NET Interactive: the command's exit code and output, its page, and the page's DOM after
    /// headless Chromium ran its scripts.</summary>
    public sealed record HeadlessRun(int ExitCode, string Output, string Page, string Dom);

    /// <summary>
    /// The result of running <paramref name="notebook"/> in the kernel (as <see cref="Execute"/>). The first call starts every
    /// notebook, two at a time, the longest first: one notebook's kernel mostly waits on one core, and by the time the
    /// notebooks run the other test collections are done. Each notebook's slot then runs it again without the kernel
    /// (<see cref="Headless"/>) on the same study and renders that page in Chromium, so the second host never waits for the
    /// first host's other notebooks. They run after <c>reproduce</c>, which trains and scores everything they show;
    /// anything left to train is trained once (<see cref="Lab.Training.RunLock"/>) while the other waits. If
    /// <c>reproduce</c> failed (its own tests say why), they run one at a time, as a user would run them.
    /// </summary>
    public (int ExitCode, string Output, string Executed) Notebook(string notebook)
    {
        Start();
        return _notebooks![notebook].Task.GetAwaiter().GetResult();
    }

    /// <summary>
    /// <paramref name="notebook"/> run without .NET Interactive (<c>desertseg notebook</c>, Roslyn scripting) at smoke scale on
    /// the same study, right after the kernel ran it (so both read the same runs and scores), with its page's rendered DOM.
    /// </summary>
    public HeadlessRun Headless(string notebook)
    {
        Start();
        return _headless![notebook].GetAwaiter().GetResult();
    }

    private void Start()
    {
        lock (_notebooksGate)
        {
            if (_notebooks is not null) return;
            int parallel = Reproduction.First.ExitCode == 0 ? 2 : 1;
            var slots = new SemaphoreSlim(parallel);
            string[] longestFirst = ["12-label-free-estimation.dib", "11-domain-adaptation.dib", "09-ablations.dib"];
            var names = NotebookTests.NotebookFiles().Select(f => Path.GetFileName(f))
                .OrderBy(n => Array.IndexOf(longestFirst, n) is var i && i >= 0 ? i : longestFirst.Length).ToList();
            _notebooks = names.ToDictionary(n => n, _ => new TaskCompletionSource<(int, string, string)>(
                TaskCreationOptions.RunContinuationsAsynchronously));
            _headless = names.ToDictionary(n => n, n => Task.Run(async () =>
            {
                await slots.WaitAsync();
                try
                {
                    try { _notebooks[n].SetResult(Execute(n)); }
                    catch (Exception e) { _notebooks[n].SetException(e); throw; }
                    return RunHeadless(n);
                }
                finally { slots.Release(); }
            }));
        }
    }

    /// <summary>Runs a notebook top to bottom in the real .NET Interactive kernel (dotnet-repl) at smoke scale.</summary>
    public (int ExitCode, string Output, string Executed) Execute(string notebook)
    {
        string executed = Path.Combine(ArtifactsFolder, Path.GetFileNameWithoutExtension(notebook) + ".ipynb");
        if (File.Exists(executed)) File.Delete(executed);
        // The kernel resolves the notebooks' relative #load and #r paths against its working folder, as VS Code does.
        string notebooks = Path.Combine(Root, "notebooks");
        var result = ChildProcess.Run("dotnet",
            ["dotnet-repl", "--run", Path.Combine(notebooks, notebook), "--exit-after-run",
                "--output-format", "ipynb", "--output-path", executed],
            notebooks,
            new Dictionary<string, string?>
            {
                ["DESERTSEG_SCALE"] = "smoke", ["DESERTSEG_DATA_PATH"] = DataPath, ["DESERTSEG_RUNS"] = RunsFolder,
                ["DESERTSEG_FIGURES"] = FiguresFolder, ["DESERTSEG_SKIP_BUILD"] = "1",
            },
            TimeSpan.FromMinutes(6));
        return (result.ExitCode, result.Output, executed);
    }

    /// <summary>The pages drawn in headless Chromium (README's example and the notebook with the most charts): a Chromium pass
    /// costs seconds per page on 2 cores, and the other pages are checked to carry the same pieces (plotly.js once, one draw
    /// script per chart).</summary>
    public static readonly string[] RenderedInChromium = ["07-phase5-seven-class.dib", "11-domain-adaptation.dib"];

    private HeadlessRun RunHeadless(string notebook)
    {
        string folder = Path.Combine(ArtifactsFolder, "html");
        string page = Path.Combine(folder, Path.GetFileNameWithoutExtension(notebook) + ".html");
        if (File.Exists(page)) File.Delete(page);
        var result = ChildProcess.Run("dotnet",
            [Path.Combine(AppContext.BaseDirectory, "desertseg.dll"), "notebook", Path.Combine(Root, "notebooks", notebook),
                "--scale", "smoke", "--data", DataPath, "--out", folder],
            Root,
            new Dictionary<string, string?> { ["DESERTSEG_RUNS"] = RunsFolder, ["DESERTSEG_FIGURES"] = FiguresFolder },
            TimeSpan.FromMinutes(6));
        string dom = result.ExitCode == 0 && File.Exists(page) && RenderedInChromium.Contains(notebook)
            ? Reporting.ReportPageTests.RenderedDom(page) : "";
        return new HeadlessRun(result.ExitCode, result.Output, page, dom);
    }

    private void Run(string file, string arguments, TimeSpan limit, string? why = null)
    {
        var result = ChildProcess.Run(file, arguments.Split(' '), Root, limit: limit);
        if (result.ExitCode != 0)
            throw new InvalidOperationException($"{why}{(why is null ? "" : "\n")}`{file} {arguments}` failed:\n{result.Output}");
    }

    public void Dispose()
    {
        if (_reproduction.IsValueCreated) _reproduction.Value.Dispose();
        _folder.Dispose();
    }
}
