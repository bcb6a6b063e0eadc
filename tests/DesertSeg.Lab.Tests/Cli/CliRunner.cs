namespace DesertSeg.Lab.Tests.Cli;

/// <summary>Runs the real <c>desertseg</c> program (copied beside the tests) as a separate process.</summary>
public static class CliRunner
{
    public static ChildProcess.Result Run(params string[] args) =>
        ChildProcess.Run("dotnet", [Path.Combine(AppContext.BaseDirectory, "desertseg.dll"), .. args],
            environment: new Dictionary<string, string?> { ["COLUMNS"] = "200", ["DESERTSEG_DEBUG"] = null });
}
