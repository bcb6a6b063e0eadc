using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace DesertSeg.Lab.Tests.Notebooks;

/// <summary>One event of the kernel: its type, the token of the command it answers, and its JSON.</summary>
public sealed record KernelEvent(string Type, string Token, JsonNode Event)
{
    /// <summary>The values a display event carries (every MIME type), joined.</summary>
    public string Values => string.Join("\n", (Event["formattedValues"] as JsonArray ?? []).Select(v => v?["value"]?.GetValue<string>()));

    public string? ValueId => Event["valueId"]?.GetValue<string>();
}

/// <summary>
/// The kernel VS Code Polyglot starts, driven the way VS Code drives it: <c>dotnet-interactive stdio</c> (pinned in the
/// tool manifest), one JSON <c>SubmitCode</c> command per cell and <c>Cancel</c> for the stop button, every event read
/// from its standard output.
/// </summary>
public sealed class KernelSession : IDisposable
{
    private readonly Process _process;
    private readonly BlockingCollection<KernelEvent> _incoming = new();
    private readonly List<KernelEvent> _all = [];
    private int _tokens;

    public KernelSession(string workingDirectory, IReadOnlyDictionary<string, string?> environment)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true,
            WorkingDirectory = workingDirectory,
        };
        foreach (var a in new[] { "dotnet-interactive", "stdio", "--default-kernel", "csharp" }) start.ArgumentList.Add(a);
        start.Environment["DOTNET_INTERACTIVE_CLI_TELEMETRY_OPTOUT"] = "1";
        foreach (var (name, value) in environment) start.Environment[name] = value;
        _process = Process.Start(start)!;
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginErrorReadLine();
        new Thread(Read) { IsBackground = true }.Start();
    }

    /// <summary>The kernel process (its CPU time tells whether work really stopped).</summary>
    public Process Process => _process;

    private void Read()
    {
        while (_process.StandardOutput.ReadLine() is { } line)
        {
            if (!line.StartsWith('{')) continue;
            var json = JsonNode.Parse(line)!;
            if (json["eventType"] is not { } type) continue;
            _incoming.Add(new KernelEvent(type.GetValue<string>(), json["command"]?["token"]?.GetValue<string>() ?? "", json["event"]!));
        }
        _incoming.CompleteAdding();
    }

    /// <summary>Sends a cell; returns its token (events of nested commands carry it as a prefix).</summary>
    public string Send(string code)
    {
        string token = $"cell{Interlocked.Increment(ref _tokens)}";
        Write(new JsonObject
        {
            ["token"] = token, ["commandType"] = "SubmitCode",
            ["command"] = new JsonObject { ["code"] = code, ["targetKernelName"] = "csharp" },
        });
        return token;
    }

    /// <summary>The stop button.</summary>
    public void Cancel() => Write(new JsonObject
    {
        ["token"] = $"cancel{Interlocked.Increment(ref _tokens)}", ["commandType"] = "Cancel", ["command"] = new JsonObject(),
    });

    private void Write(JsonObject command)
    {
        _process.StandardInput.WriteLine(command.ToJsonString());
        _process.StandardInput.Flush();
    }

    /// <summary>Events of the cell <paramref name="token"/> until <paramref name="stop"/> says so (returned last) or the time
    /// runs out (an exception listing what came).</summary>
    public List<KernelEvent> Until(string token, Func<KernelEvent, bool> stop, TimeSpan limit)
    {
        var events = new List<KernelEvent>();
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < limit)
        {
            if (!_incoming.TryTake(out var e, TimeSpan.FromMilliseconds(200))) continue;
            _all.Add(e);
            if (e.Token != token && !e.Token.StartsWith(token + ".")) continue;
            events.Add(e);
            if (stop(e)) return events;
        }
        throw new TimeoutException($"no matching event for {token} in {limit}; it produced:\n" +
            string.Join("\n", events.Select(e => $"{e.Type}: {Short(e)}")));
    }

    /// <summary>Runs a cell to its end: its events, the last one CommandSucceeded or CommandFailed.</summary>
    public List<KernelEvent> Run(string code, TimeSpan? limit = null)
    {
        string token = Send(code);
        return Until(token, e => e.Token == token && e.Type is "CommandSucceeded" or "CommandFailed", limit ?? TimeSpan.FromMinutes(5));
    }

    /// <summary>Runs a cell and fails (with the cell's own words) unless it succeeds.</summary>
    public List<KernelEvent> RunOk(string code, TimeSpan? limit = null)
    {
        var events = Run(code, limit);
        if (events[^1].Type != "CommandSucceeded")
            throw new InvalidOperationException($"cell failed: {Short(events[^1])}\n" +
                string.Join("\n", events.Select(e => $"{e.Type}: {Short(e)}")));
        return events;
    }

    public static string Short(KernelEvent e)
    {
        string text = e.Event.ToJsonString();
        return text.Length > 600 ? text[..600] + "…" : text;
    }

    public void Dispose()
    {
        try { _process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
        _process.Dispose();
    }
}
