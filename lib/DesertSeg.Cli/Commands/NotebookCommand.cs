using System.CommandLine;
using DesertSeg.Lab;
using DesertSeg.Lab.Notebooks.Scripting;
using Spectre.Console;

namespace DesertSeg.Cli.Commands;

/// <summary>
/// <c>desertseg notebook NN</c>: runs a notebook without Polyglot Notebooks or .NET Interactive (Roslyn C# scripting) and
/// writes one HTML page of it; <c>desertseg notebook --ipynb</c> writes the .ipynb copies of every notebook.
/// </summary>
public static class NotebookCommand
{
    public static Command Create()
    {
        var notebook = new Argument<string?>("notebook")
        {
            Description = "The notebook: its number (07), its file name (07-phase5-seven-class.dib) or a path to a .dib.",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var scale = new Option<string?>("--scale") { Description = "Overrides the parameter cell's scale (quick, full, smoke)." };
        var data = new Option<string?>("--data") { Description = "Overrides the parameter cell's data set folder." };
        var runs = new Option<string?>("--runs") { Description = "Runs folder (default: runs/ in the workspace, or DESERTSEG_RUNS)." };
        var output = new Option<string?>("--out")
        {
            Description = "Folder of the executed page (default: report/notebooks in the workspace).",
        };
        var ipynb = new Option<bool>("--ipynb")
        {
            Description = "Instead of running one: write the .ipynb copy of every notebook beside its .dib (the .dib is the source).",
        };
        var command = new Command("notebook",
            "Runs a notebook's cells in order without .NET Interactive and writes one HTML page: the prose, each code cell and its " +
            "outputs (charts drawn offline, tables, text).") { notebook, scale, data, runs, output, ipynb };
        command.SetAction(r => CommandGuard.Run(() =>
        {
            string folder = Path.Combine(Workspace.Root, "notebooks");
            if (r.GetValue(ipynb))
            {
                foreach (var path in IpynbFile.WriteCopies(folder)) AnsiConsole.WriteLine($"wrote {path}");
                return CommandGuard.Ok;
            }
            string file = Resolve(r.GetValue(notebook), folder);
            if (r.GetValue(scale) is { } s) Environment.SetEnvironmentVariable("DESERTSEG_SCALE", s);
            if (r.GetValue(data) is { } d) Environment.SetEnvironmentVariable("DESERTSEG_DATA_PATH", Path.GetFullPath(d));
            if (r.GetValue(runs) is { } runsFolder) Environment.SetEnvironmentVariable("DESERTSEG_RUNS", Path.GetFullPath(runsFolder));
            var runner = new ScriptedNotebook();
            var executed = runner.Run(file, CommandGuard.Cancellation);
            string outFolder = r.GetValue(output) is { } o ? Path.GetFullPath(o) : Path.Combine(Workspace.Root, "report", "notebooks");
            string page = NotebookPage.Save(executed, Path.Combine(outFolder, Path.GetFileNameWithoutExtension(file) + ".html"),
                r.GetValue(scale) is { } shownScale ? $"scale {shownScale}" : null);
            if (executed.Cells.FirstOrDefault(c => c.Failed) is { } failed)
            {
                Console.Error.WriteLine($"{Path.GetFileName(file)}: a cell failed; the page shows it ({page}):");
                Console.Error.WriteLine(failed.Outputs.Last(o => o.Kind == NotebookOutputKind.Error).Content);
                return CommandGuard.Failed;
            }
            AnsiConsole.WriteLine($"{Path.GetFileName(file)}: every cell ran; page: {page}");
            return CommandGuard.Ok;
        }));
        return command;
    }

    /// <summary>The .dib a user named: a number, a file name in the notebooks folder, or a path.</summary>
    /// <exception cref="ArgumentException">None named, or none matches (the message lists the notebooks).</exception>
    public static string Resolve(string? name, string folder)
    {
        var notebooks = IpynbFile.Notebooks(folder);
        string list = string.Join(", ", notebooks.Select(Path.GetFileNameWithoutExtension));
        if (string.IsNullOrWhiteSpace(name)) throw new ArgumentException($"Name a notebook: {list}.");
        if (File.Exists(name) && name.EndsWith(".dib", StringComparison.OrdinalIgnoreCase)) return Path.GetFullPath(name);
        var matches = notebooks.Where(n => Path.GetFileName(n).Equals(name, StringComparison.OrdinalIgnoreCase)
            || Path.GetFileNameWithoutExtension(n).Equals(name, StringComparison.OrdinalIgnoreCase)
            || Path.GetFileName(n).StartsWith(name.PadLeft(2, '0') + "-", StringComparison.Ordinal)).ToList();
        return matches.Count == 1 ? matches[0]
            : throw new ArgumentException($"'{name}' names {(matches.Count == 0 ? "no" : "more than one")} notebook in {folder}. Notebooks: {list}.");
    }
}
