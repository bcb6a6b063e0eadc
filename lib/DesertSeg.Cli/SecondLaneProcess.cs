using System.Diagnostics;

namespace DesertSeg.Cli;

/// <summary>
/// The child process of <c>reproduce</c> that trains the job's runs from the far end of its plan
/// (<see cref="Lab.Studies.SecondLane"/>): the same command line with <c>--second-lane</c>. Its lines reach the job's log
/// marked "lane 2"; it ends by itself when nothing is left to train, and is ended (its runs keep their last complete epoch)
/// when the job stops first.
/// </summary>
public sealed class SecondLaneProcess : IDisposable
{
    public const string Option = "--second-lane";
    private readonly Process _process;
    private readonly CancellationTokenRegistration _onCancel;

    private SecondLaneProcess(Process process, CancellationToken cancellation)
    {
        _process = process;
        _onCancel = cancellation.Register(Stop);
    }

    /// <summary>Starts the lane with this process's own arguments; every line it prints goes to <paramref name="log"/>.</summary>
    public static SecondLaneProcess Start(TextWriter log, CancellationToken cancellation)
    {
        string host = Environment.ProcessPath ?? throw new InvalidOperationException("The process has no executable path.");
        var start = new ProcessStartInfo(host)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        // Run as "dotnet desertseg.dll ..." the host needs the program's path; as the apphost it is the program.
        if (Path.GetFileNameWithoutExtension(host).Equals("dotnet", StringComparison.OrdinalIgnoreCase))
            start.ArgumentList.Add(typeof(SecondLaneProcess).Assembly.Location);
        foreach (string argument in Environment.GetCommandLineArgs().Skip(1)) start.ArgumentList.Add(argument);
        start.ArgumentList.Add(Option);
        var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => { if (e.Data is { Length: > 0 } line) log.WriteLine($"lane 2: {line}"); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is { Length: > 0 } line) log.WriteLine($"lane 2: {line}"); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new SecondLaneProcess(process, cancellation);
    }

    /// <summary>
    /// Waits up to <paramref name="timeout"/> for the lane to end by itself, then ends it; returns its exit code when it
    /// ended by itself, else null.
    /// </summary>
    public int? Finish(TimeSpan timeout)
    {
        if (!_process.WaitForExit(timeout))
        {
            Stop();
            return null;
        }
        _process.WaitForExit(); // the last relayed lines
        return _process.ExitCode;
    }

    private void Stop()
    {
        try
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // It ended meanwhile.
        }
    }

    public void Dispose()
    {
        _onCancel.Dispose();
        Stop();
        _process.Dispose();
    }
}
