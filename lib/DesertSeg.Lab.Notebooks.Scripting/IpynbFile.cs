using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace DesertSeg.Lab.Notebooks.Scripting;

/// <summary>
/// A .dib notebook as Jupyter's .ipynb (nbformat 4.5) for front ends that read only that format: the same cells, no outputs,
/// the .NET Interactive kernel named in the metadata (Jupyter runs them while that kernel still installs; without it the
/// file is a readable document, and <c>desertseg notebook</c> runs the .dib). Made from the .dib, never edited: the .dib
/// stays the only source, and a test checks that every copy is what this makes.
/// </summary>
public static class IpynbFile
{
    private static readonly JsonSerializerOptions Indented = new()
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>The .ipynb text of <paramref name="cells"/> (stable: the same cells give the same bytes).</summary>
    public static string FromCells(IReadOnlyList<NotebookCell> cells)
    {
        var array = new JsonArray();
        int n = 0;
        foreach (var cell in cells)
        {
            n++;
            var source = new JsonArray(Lines(cell.Text).Select(l => (JsonNode)JsonValue.Create(l)!).ToArray());
            var node = new JsonObject
            {
                ["cell_type"] = cell.IsMarkdown ? "markdown" : "code",
                ["id"] = $"cell-{n:D2}",
                ["metadata"] = cell.IsMarkdown ? new JsonObject() : new JsonObject
                {
                    ["dotnet_interactive"] = new JsonObject { ["language"] = "csharp" },
                    ["polyglot_notebook"] = new JsonObject { ["kernelName"] = "csharp" },
                },
                ["source"] = source,
            };
            if (!cell.IsMarkdown)
            {
                node["execution_count"] = null;
                node["outputs"] = new JsonArray();
            }
            array.Add(node);
        }
        var notebook = new JsonObject
        {
            ["cells"] = array,
            ["metadata"] = new JsonObject
            {
                ["kernelspec"] = new JsonObject { ["display_name"] = ".NET (C#)", ["language"] = "C#", ["name"] = ".net-csharp" },
                ["language_info"] = new JsonObject { ["name"] = "C#" },
                ["polyglot_notebook"] = new JsonObject
                {
                    ["kernelInfo"] = new JsonObject
                    {
                        ["defaultKernelName"] = "csharp",
                        ["items"] = new JsonArray(new JsonObject { ["aliases"] = new JsonArray(), ["name"] = "csharp" }),
                    },
                },
            },
            ["nbformat"] = 4,
            ["nbformat_minor"] = 5,
        };
        return notebook.ToJsonString(Indented).ReplaceLineEndings("\n") + "\n";
    }

    /// <summary>The cells of an .ipynb text (kind and text), to compare with the .dib it was made from.</summary>
    public static IReadOnlyList<NotebookCell> ReadCells(string ipynb)
    {
        using var document = JsonDocument.Parse(ipynb);
        return document.RootElement.GetProperty("cells").EnumerateArray().Select(c => new NotebookCell(
            c.GetProperty("cell_type").GetString() == "markdown" ? "markdown" : "csharp",
            string.Concat(c.GetProperty("source").EnumerateArray().Select(l => l.GetString())))).ToList();
    }

    /// <summary>Where the copy of a .dib lives: beside it (its <c>#!import open.dib</c> and <c>../lib</c> paths hold there).</summary>
    public static string CopyOf(string dibPath) => Path.ChangeExtension(dibPath, ".ipynb");

    /// <summary>Writes the .ipynb copy of every notebook in <paramref name="folder"/> (open.dib is not a notebook) and returns
    /// their paths.</summary>
    public static IReadOnlyList<string> WriteCopies(string folder) =>
        Notebooks(folder).Select(dib =>
        {
            string path = CopyOf(dib);
            IO.AtomicFile.WriteAllText(path, FromCells(DibFile.Read(dib)));
            return path;
        }).ToList();

    /// <summary>The notebooks of a folder: every .dib but the shared opening (open.dib), in name order.</summary>
    public static IReadOnlyList<string> Notebooks(string folder) =>
        Directory.GetFiles(folder, "*.dib").Where(f => Path.GetFileName(f) != "open.dib").Order(StringComparer.Ordinal).ToList();

    /// <summary>Jupyter's source lines: each with its newline but the last.</summary>
    private static IEnumerable<string> Lines(string text)
    {
        var lines = text.TrimEnd('\n').Split('\n');
        for (int i = 0; i < lines.Length; i++) yield return i < lines.Length - 1 ? lines[i] + "\n" : lines[i];
    }
}
