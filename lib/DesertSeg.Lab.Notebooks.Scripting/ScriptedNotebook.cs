using System.Diagnostics;
using System.Reflection;
using System.Text;
using DesertSeg.Lab.Reporting;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Scripting;
using Microsoft.CodeAnalysis.Scripting;
using Microsoft.Data.Analysis;
using Plotly.NET;

namespace DesertSeg.Lab.Notebooks.Scripting;

/// <summary>
/// Runs a .dib notebook without .NET Interactive: its C# cells, <c>#!import</c>s expanded, are Roslyn script submissions
/// chained one to the next (<see cref="ScriptState{T}.ContinueWithAsync(string, ScriptOptions, CancellationToken)"/>), so a
/// cell sees the variables and usings of the cells before it, as in the kernel. A cell's outputs are what it printed, what
/// it passed to <c>display</c>, and the value of its last expression (a chart, a DataFrame, HTML, text), in that order of
/// appearance. The library runs under <see cref="HeadlessHost"/>; the library's own reference (the open cell's <c>#r</c> of
/// the notebooks' build) is this process's copy, so nothing is built. After a failed cell nothing more runs, as in
/// "Run all".
/// </summary>
public sealed class ScriptedNotebook
{
    /// <summary>The open cell's reference to the library's notebook build: this process has the library loaded already.</summary>
    private const string LibraryReference = "DesertSeg.Lab.Notebooks.dll\"";

    private readonly TextWriter _log;
    private readonly CellWriter _cellWriter;

    /// <param name="log">Where the run's progress goes besides the page (default: the console).</param>
    public ScriptedNotebook(TextWriter? log = null)
    {
        _log = log ?? Console.Out;
        _cellWriter = new CellWriter(_log);
        // Training and long calls report to the running cell's output, whichever cell started the study.
        Host = new HeadlessHost(_cellWriter);
    }

    public HeadlessHost Host { get; }

    /// <summary>Runs the notebook at <paramref name="path"/> to its end or its first failed cell.</summary>
    public ExecutedNotebook Run(string path, CancellationToken cancellation = default)
    {
        var started = DateTimeOffset.Now;
        var cells = DibFile.WithImports(DibFile.Read(path), Path.GetDirectoryName(Path.GetFullPath(path))!);
        // The open cell's build step: this process is the build.
        Environment.SetEnvironmentVariable("DESERTSEG_SKIP_BUILD", "1");
        Notebook.Host = Host;
        using var stop = cancellation.Register(Host.Stop);
        var globals = new NotebookGlobals();
        var options = Options(Path.GetDirectoryName(Path.GetFullPath(path))!);
        ScriptState<object>? state = null;
        var executed = new List<ExecutedCell>();
        bool failed = false;
        var console = Console.Out;
        // One writer for the whole run (the study keeps the Console.Out it was started with): each cell points it at its own
        // outputs.
        Console.SetOut(_cellWriter);
        try
        {
        foreach (var cell in cells)
        {
            if (!cell.IsCode || failed)
            {
                executed.Add(new ExecutedCell(cell, [], TimeSpan.Zero));
                continue;
            }
            var outputs = new List<NotebookOutput>();
            var printed = new StringBuilder();
            void Flush()
            {
                string text = _cellWriter.Take(printed);
                if (text.Length > 0) outputs.Add(new NotebookOutput(NotebookOutputKind.Text, text));
            }
            globals.Show = value =>
            {
                Flush();
                if (Format(value) is { } shown) outputs.Add(shown);
            };
            var clock = Stopwatch.StartNew();
            _cellWriter.Target = printed;
            try
            {
                string code = WithoutLibraryReference(cell.Text);
                state = state is null
                    ? CSharpScript.RunAsync(code, options, globals, typeof(NotebookGlobals), cancellation).GetAwaiter().GetResult()
                    : state.ContinueWithAsync(code, options, cancellation).GetAwaiter().GetResult();
                Flush();
                if (state.ReturnValue is { } value && Format(value) is { } shown) outputs.Add(shown);
            }
            catch (CompilationErrorException e)
            {
                Flush();
                outputs.Add(new NotebookOutput(NotebookOutputKind.Error, string.Join("\n", e.Diagnostics.Select(d => d.ToString()))));
                failed = true;
            }
            catch (Exception e)
            {
                Flush();
                outputs.Add(new NotebookOutput(NotebookOutputKind.Error, $"{e.GetType().Name}: {e.Message}"));
                failed = true;
            }
            finally
            {
                _cellWriter.Target = null;
            }
            executed.Add(new ExecutedCell(cell, outputs, clock.Elapsed));
            _log.WriteLine($"{Path.GetFileName(path)}: cell {executed.Count(c => c.Cell.IsCode)} " +
                $"{(failed ? "failed" : "done")} in {clock.Elapsed.TotalSeconds:F1} s");
        }
        }
        finally
        {
            Console.SetOut(console);
        }
        return new ExecutedNotebook(Path.GetFileNameWithoutExtension(path), path, executed, started);
    }

    /// <summary>What a value looks like below its cell: charts and tables as the kernel's formatters show them
    /// (<see cref="Notebook.ChartHtml"/>, <see cref="TableExport.ToHtml"/>), HTML as it is, anything else as text.</summary>
    public static NotebookOutput? Format(object? value) => value switch
    {
        null => null,
        GenericChart chart => new(NotebookOutputKind.Html, Notebook.ChartHtml(chart)),
        DataFrame frame => new(NotebookOutputKind.Html, TableExport.ToHtml(frame, maxRows: 100)),
        HtmlContent html => new(NotebookOutputKind.Html, html.Html),
        string text => new(NotebookOutputKind.Text, text),
        _ => new(NotebookOutputKind.Text, value.ToString() ?? ""),
    };

    private static string WithoutLibraryReference(string code) => string.Join("\n", code.Split('\n')
        .Select(line => line.TrimStart().StartsWith("#r \"") && line.TrimEnd().EndsWith(LibraryReference) ? "" : line));

    /// <summary>Every assembly this process has loaded (the library and its packages among them) as references, the
    /// kernel's default usings, and <c>#r</c> paths resolved from the notebook's folder.</summary>
    private static ScriptOptions Options(string folder)
    {
        // Load what the notebooks name before listing the loaded assemblies.
        _ = new[] { typeof(Studies.Study), typeof(Notebook), typeof(DataFrame), typeof(GenericChart), typeof(TorchSharp.torch),
            typeof(Enumerable), typeof(System.Collections.Generic.List<>), typeof(Console) };
        var assemblies = AppDomain.CurrentDomain.GetAssemblies()
            .Where(a => !a.IsDynamic && !string.IsNullOrEmpty(a.Location))
            .GroupBy(a => a.GetName().Name).Select(g => g.First());
        return ScriptOptions.Default
            .WithReferences(assemblies)
            .WithImports("System", "System.IO", "System.Linq", "System.Collections.Generic", "System.Threading.Tasks", "System.Text")
            .WithMetadataResolver(ScriptMetadataResolver.Default.WithBaseDirectory(folder))
            .WithEmitDebugInformation(false)
            .WithOptimizationLevel(OptimizationLevel.Release);
    }

    /// <summary>The running cell's console: kept for its outputs (<see cref="Target"/>) and passed on to the process's
    /// console (progress as it goes).</summary>
    private sealed class CellWriter(TextWriter console) : TextWriter
    {
        private readonly object _gate = new();
        private StringBuilder? _target;

        public StringBuilder? Target
        {
            get { lock (_gate) return _target; }
            set { lock (_gate) _target = value; }
        }

        /// <summary>What <paramref name="kept"/> holds, emptied, under the writer's lock.</summary>
        public string Take(StringBuilder kept)
        {
            lock (_gate)
            {
                string text = kept.ToString();
                kept.Clear();
                return text;
            }
        }

        public override Encoding Encoding => Encoding.UTF8;

        public override void Write(char value)
        {
            lock (_gate) _target?.Append(value);
            console.Write(value);
        }

        public override void Write(string? value)
        {
            lock (_gate) _target?.Append(value);
            console.Write(value);
        }

        public override void WriteLine(string? value)
        {
            lock (_gate) _target?.Append(value).Append('\n');
            console.WriteLine(value);
        }
    }
}
