using System.Text.Json;

namespace DesertSeg.Lab.Tests.Notebooks;

/// <summary>Every notebook runs top to bottom in the real kernel at smoke scale with no failed cell.</summary>
[Trait(Tier.Category, Tier.Slow)]
[Collection(SmokeStudyCollection.Name)]
public class NotebookTests(SmokeStudyFixture fixture)
{
    /// <summary>The notebooks' shared opening, run by each notebook's open cell; not a notebook of its own.</summary>
    private const string OpenFile = "open.dib";

    private static string NotebooksFolder => Path.Combine(Workspace.Root, "notebooks");

    internal static IEnumerable<string> NotebookFiles() =>
        Directory.GetFiles(NotebooksFolder, "*.dib").Where(f => Path.GetFileName(f) != OpenFile).Order();

    public static TheoryData<string> AllNotebooks()
    {
        var data = new TheoryData<string>();
        foreach (var file in NotebookFiles())
            data.Add(Path.GetFileName(file));
        return data;
    }

    [Theory]
    [MemberData(nameof(AllNotebooks))]
    public void RunsWithoutAFailedCell(string notebook)
    {
        var (exitCode, output, executed) = fixture.Notebook(notebook);

        var errors = ErrorOutputs(executed);
        Assert.True(exitCode == 0 && errors.Count == 0,
            $"{notebook}: exit {exitCode}\n{string.Join("\n", errors)}\n{output[^Math.Min(output.Length, 3000)..]}");
        // Every code cell ran and produced its output (charts, tables, text) into the executed notebook.
        using var doc = JsonDocument.Parse(File.ReadAllText(executed));
        var codeCells = doc.RootElement.GetProperty("cells").EnumerateArray()
            .Where(c => c.GetProperty("cell_type").GetString() == "code").ToList();
        Assert.True(codeCells.Count >= 5, $"{notebook} has only {codeCells.Count} code cells");
    }

    [Fact]
    public void NotebooksAreThinAndShareTheirOpening()
    {
        var notebooks = NotebookFiles().ToList();
        Assert.NotEmpty(notebooks);
        foreach (var file in notebooks)
        {
            string name = Path.GetFileName(file), text = File.ReadAllText(file);
            var cells = Cells(text);
            // The first screen is the question and its parameters, then one cell opens the library.
            Assert.True(cells.Count >= 4, $"{name} has only {cells.Count} cells");
            Assert.True(cells[0].Kind == "markdown" && cells[0].Text.StartsWith("# "),
                $"{name} does not open with its question (a markdown title)");
            Assert.True(cells[1].Kind == "csharp" && cells[1].Text.Contains("var scale = "),
                $"{name}: the parameter cell does not follow the question");
            Assert.True(cells[2].Kind == "csharp" && cells[2].Text.StartsWith("#!import open.dib\n"),
                $"{name}: the open cell (#!import open.dib) does not follow the parameter cell");
            Assert.Single(cells, c => c.Text.Contains("var scale = "));   // one parameter cell
            Assert.Single(cells, c => c.Text.Contains("#!import"));       // one open cell
            // The old three-cell opening is gone: the build, the reference and the start live in open.dib only.
            Assert.DoesNotContain("bootstrap.csx", text);
            Assert.DoesNotContain("#load", text);
            Assert.DoesNotContain("#r \"", text);
            Assert.DoesNotContain("Notebook.Start(", text);
            Assert.DoesNotMatch(@"\bclass\s+[A-Z]\w*\s*[{:(]", text); // no types defined in a notebook: logic lives in lib/
        }

        // open.dib: one cell builds (unless DESERTSEG_SKIP_BUILD=1), the next references what was built and starts
        // the study, in a submission of its own (a #r is resolved before its submission's code runs).
        var open = Cells(File.ReadAllText(Path.Combine(NotebooksFolder, OpenFile)));
        Assert.Equal(["csharp", "csharp"], open.Select(c => c.Kind).ToArray());
        Assert.Contains("\"build ../lib/DesertSeg.Lab.Notebooks/DesertSeg.Lab.Notebooks.csproj -c Release", open[0].Text);
        Assert.Contains("DESERTSEG_SKIP_BUILD", open[0].Text);
        Assert.StartsWith("#r \"../lib/DesertSeg.Lab.Notebooks/bin/Release/net10.0/DesertSeg.Lab.Notebooks.dll\"\n", open[1].Text);
        Assert.Contains("lab = Notebook.Start(scale, dataPath, force, encoderWeights, device);", open[1].Text);
        Assert.False(File.Exists(Path.Combine(NotebooksFolder, "bootstrap.csx")), "bootstrap.csx is replaced by open.dib");
    }

    /// <summary>The cells of a .dib file (kind and text), without its #!meta header.</summary>
    private static List<(string Kind, string Text)> Cells(string dib)
    {
        var cells = new List<(string Kind, string Text)>();
        string? kind = null;
        var lines = new List<string>();
        foreach (var line in dib.ReplaceLineEndings("\n").Split('\n'))
        {
            if (line is "#!meta" or "#!markdown" or "#!csharp")
            {
                Add();
                kind = line[2..];
                lines.Clear();
            }
            else lines.Add(line);
        }
        Add();
        return cells;

        void Add()
        {
            if (kind is not null and not "meta") cells.Add((kind, string.Join("\n", lines).Trim('\n') + "\n"));
        }
    }

    private static List<string> ErrorOutputs(string executed)
    {
        if (!File.Exists(executed)) return ["no executed notebook was written"];
        using var doc = JsonDocument.Parse(File.ReadAllText(executed));
        return doc.RootElement.GetProperty("cells").EnumerateArray()
            .Where(c => c.TryGetProperty("outputs", out _))
            .SelectMany(c => c.GetProperty("outputs").EnumerateArray())
            .Where(o => o.GetProperty("output_type").GetString() == "error")
            .Select(o => o.TryGetProperty("evalue", out var e) ? e.GetString() ?? "" : o.ToString())
            .ToList();
    }
}

[CollectionDefinition(Name)]
public sealed class SmokeStudyCollection : ICollectionFixture<SmokeStudyFixture>
{
    public const string Name = "smoke study";
}
