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
