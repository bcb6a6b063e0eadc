using DesertSeg.Lab.Tests.Cli;

namespace DesertSeg.Lab.Tests.Notebooks;

/// <summary>
/// <c>reproduce</c> at smoke scale, twice over the smoke study's runs folder: a first pass with a browser (it trains,
/// adapts and scores what the notebooks have not yet), then a second pass without one, which should reuse everything.
/// The work folders of the runs folder are listed before and after the second pass, so a test can see from the files
/// whether anything was trained, adapted or scored again.
/// </summary>
public sealed class Reproduction : IDisposable
{
    private readonly TempFolder _first = new("desertseg-report");
    private readonly TempFolder _second = new("desertseg-report-nobrowser");

    public Reproduction(SmokeStudyFixture study)
    {
        First = CliRunner.Run(["reproduce", "--scale", "smoke", "--data", study.DataPath, "--runs", study.RunsFolder,
            "--out", _first.Path]);
        RunFilesBefore = RunFiles(study.RunsFolder);
        Second = ChildProcess.Run("dotnet",
            [Path.Combine(AppContext.BaseDirectory, "desertseg.dll"), "reproduce", "--scale", "smoke", "--data", study.DataPath,
                "--runs", study.RunsFolder, "--out", _second.Path],
            environment: new Dictionary<string, string?> { ["COLUMNS"] = "200", ["DESERTSEG_CHROMIUM"] = "none" });
        RunFilesAfter = RunFiles(study.RunsFolder);
    }

    public ChildProcess.Result First { get; }
    public ChildProcess.Result Second { get; }

    /// <summary>The first pass's report folder (PNG figures).</summary>
    public string FirstReport => _first.Path;

    /// <summary>The second pass's report folder (no browser: HTML figures only).</summary>
    public string SecondReport => _second.Path;

    /// <summary>Every run folder's results (checkpoints, cached scores, adapted checkpoints, status) with their write times.</summary>
    public IReadOnlyDictionary<string, DateTime> RunFilesBefore { get; }

    public IReadOnlyDictionary<string, DateTime> RunFilesAfter { get; }

    private static Dictionary<string, DateTime> RunFiles(string runs) =>
        Directory.EnumerateFiles(runs, "*", SearchOption.AllDirectories)
            .Where(f => f.EndsWith(".json", StringComparison.Ordinal) || f.EndsWith(".safetensors", StringComparison.Ordinal))
            .ToDictionary(f => Path.GetRelativePath(runs, f), File.GetLastWriteTimeUtc);

    public void Dispose()
    {
        _first.Dispose();
        _second.Dispose();
    }
}
