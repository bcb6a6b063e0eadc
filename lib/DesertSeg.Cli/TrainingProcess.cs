using System.Diagnostics;

namespace DesertSeg.Cli;

/// <summary>
/// A child <c>desertseg train</c> process of the plan's local executor (<see cref="Lab.Plans.PlanExecutor"/>): this same
/// program with a planned run's arguments (<see cref="Lab.Plans.TrainCommandLine"/>). Every line it prints reaches the
/// job's log marked with the run's id; cancelling ends it, and its run keeps its last complete epoch.
/// </summary>
public static class TrainingProcess
{
    /// <summary>Runs the child to its end.</summary>
    /// <exception cref="InvalidOperationException">It ended with a non-zero exit code: the message gives its last error line.</exception>
    public static async Task RunAsync(IReadOnlyList<string> arguments, string id, TextWriter log, CancellationToken cancellation)
    {
        string host = Environment.ProcessPath ?? throw new InvalidOperationException("The process has no executable path.");
        var start = new ProcessStartInfo(host) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        // Run as "dotnet desertseg.dll ..." the host needs the program's path; as the apphost it is the program.
        if (Path.GetFileNameWithoutExtension(host).Equals("dotnet", StringComparison.OrdinalIgnoreCase))
            start.ArgumentList.Add(typeof(TrainingProcess).Assembly.Location);
        foreach (string argument in arguments) start.ArgumentList.Add(argument);
        using var process = new Process { StartInfo = start };
        string? lastError = null;
        process.OutputDataReceived += (_, e) => { if (e.Data is { Length: > 0 } line) log.WriteLine($"{id}: {line}"); };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not { Length: > 0 } line) return;
            lastError = line;
            log.WriteLine($"{id}: {line}");
        };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await process.WaitForExitAsync(cancellation);
        }
        catch (OperationCanceledException)
        {
            // The child keeps its last complete epoch; the same command resumes it.
            if (!process.HasExited) process.Kill(entireProcessTree: true);
            throw;
        }
        if (process.ExitCode != CommandGuard.Ok)
            throw new InvalidOperationException($"exit code {process.ExitCode}{(lastError is null ? "" : $": {lastError}")}");
    }
}
