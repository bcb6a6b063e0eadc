namespace DesertSeg.Lab.Notebooks.Scripting;

/// <summary>A cell of a notebook: its kernel name ("csharp", "markdown") and its text; <paramref name="ImportedFrom"/> names
/// the file a <c>#!import</c> brought it from.</summary>
public sealed record NotebookCell(string Kind, string Text, string? ImportedFrom = null)
{
    public bool IsCode => Kind == "csharp";
    public bool IsMarkdown => Kind == "markdown";
}

/// <summary>
/// A Polyglot Notebooks .dib file: cells each opened by a line <c>#!csharp</c>, <c>#!markdown</c> (or <c>#!meta</c>, the
/// kernel metadata, skipped). The .dib files are the only source of the notebooks; everything else is made from them.
/// </summary>
public static class DibFile
{
    private static readonly string[] Kinds = ["csharp", "markdown", "meta"];

    /// <summary>Cell markers of the other kernels Polyglot Notebooks offers: none of the workspace's notebooks uses them.</summary>
    private static readonly string[] OtherKernels = ["fsharp", "pwsh", "javascript", "js", "html", "sql", "kql", "mermaid", "value", "http", "python", "r"];

    /// <summary>The cells of a .dib text, in order, without the metadata cell and without empty cells.</summary>
    /// <exception cref="FormatException">Text before the first cell marker, or a cell of a kernel this runner cannot run
    /// (names the line).</exception>
    public static IReadOnlyList<NotebookCell> Parse(string text, string name = "notebook")
    {
        var cells = new List<NotebookCell>();
        string? kind = null;
        var lines = new List<string>();
        int number = 0;
        foreach (var line in text.ReplaceLineEndings("\n").Split('\n'))
        {
            number++;
            if (line.StartsWith("#!") && Kinds.Contains(line[2..].Trim()))
            {
                Add();
                kind = line[2..].Trim();
                lines.Clear();
                continue;
            }
            if (line.StartsWith("#!") && OtherKernels.Contains(line[2..].Trim()))
                throw new FormatException($"{name}, line {number}: '{line}' opens a cell of a kernel this runner does not run " +
                    "(C# and markdown only).");
            if (kind is null && line.Trim().Length > 0)
                throw new FormatException($"{name}, line {number}: text before the first cell marker (#!csharp or #!markdown).");
            lines.Add(line);
        }
        Add();
        return cells;

        void Add()
        {
            if (kind is null or "meta") return;
            string body = string.Join("\n", lines).Trim('\n');
            if (body.Trim().Length > 0) cells.Add(new NotebookCell(kind, body + "\n"));
        }
    }

    /// <summary>The cells of a .dib file.</summary>
    /// <exception cref="FileNotFoundException">No such file (named).</exception>
    public static IReadOnlyList<NotebookCell> Read(string path) =>
        File.Exists(path) ? Parse(File.ReadAllText(path), path)
            : throw new FileNotFoundException($"No notebook at {path}.", path);

    /// <summary>
    /// The cells with each <c>#!import other.dib</c> line replaced by that file's code cells (as the kernel runs them: each
    /// its own submission, in order), the rest of the importing cell kept after them when it holds code.
    /// </summary>
    public static IReadOnlyList<NotebookCell> WithImports(IReadOnlyList<NotebookCell> cells, string folder)
    {
        var expanded = new List<NotebookCell>();
        foreach (var cell in cells)
        {
            if (!cell.IsCode || !cell.Text.StartsWith("#!import ")) { expanded.Add(cell); continue; }
            var lines = cell.Text.Split('\n');
            string file = Path.Combine(folder, lines[0]["#!import ".Length..].Trim());
            expanded.AddRange(Read(file).Where(c => c.IsCode).Select(c => c with { ImportedFrom = Path.GetFileName(file) }));
            string rest = string.Join("\n", lines.Skip(1));
            if (rest.Split('\n').Any(l => l.Trim().Length > 0 && !l.TrimStart().StartsWith("//")))
                expanded.Add(cell with { Text = rest });
        }
        return expanded;
    }
}
