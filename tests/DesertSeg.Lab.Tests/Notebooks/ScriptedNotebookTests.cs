using System.Net;
using System.Text.RegularExpressions;
using DesertSeg.Lab.Notebooks.Scripting;

namespace DesertSeg.Lab.Tests.Notebooks;

/// <summary>The notebooks without .NET Interactive: the .dib format, the runner's kernel-like semantics, the .ipynb copies.</summary>
public sealed class ScriptedNotebookTests
{
    private static string NotebooksFolder => Path.Combine(Workspace.Root, "notebooks");

    [Fact]
    public void DibCells_AreSplitAtTheirMarkers_WithoutTheMetadata()
    {
        var cells = DibFile.Parse("#!meta\n\n{\"kernelInfo\":{}}\n\n#!markdown\n\n# Title\n\ntext\n\n#!csharp\n\nvar x = 1;\nx\n\n#!csharp\n\n\n");

        Assert.Equal([("markdown", "# Title\n\ntext\n"), ("csharp", "var x = 1;\nx\n")], cells.Select(c => (c.Kind, c.Text)).ToArray());
    }

    [Fact]
    public void ACellOfAnotherKernel_OrTextBeforeTheFirstCell_IsRefusedNamingTheLine()
    {
        var other = Assert.Throws<FormatException>(() => DibFile.Parse("#!csharp\nvar x = 1;\n#!fsharp\nlet y = 2\n", "n.dib"));
        Assert.Contains("n.dib, line 3", other.Message);
        var stray = Assert.Throws<FormatException>(() => DibFile.Parse("hello\n#!csharp\nvar x = 1;\n", "n.dib"));
        Assert.Contains("line 1", stray.Message);
    }

    [Fact]
    public void AnImport_BringsTheOtherFilesCodeCells_InOrder_MarkedWithTheirFile()
    {
        using var dir = new TempFolder();
        File.WriteAllText(dir.Combine("open.dib"), "#!csharp\nvar a = 1;\n#!markdown\nnot code\n#!csharp\nvar b = a + 1;\n");
        var cells = DibFile.Parse("#!csharp\n#!import open.dib\n// what it does\n#!csharp\nb\n");

        var expanded = DibFile.WithImports(cells, dir.Path);

        Assert.Equal(["var a = 1;\n", "var b = a + 1;\n", "b\n"], expanded.Select(c => c.Text).ToArray());
        Assert.Equal(["open.dib", "open.dib", null], expanded.Select(c => c.ImportedFrom).ToArray());
    }

    /// <summary>Runs a notebook through <c>desertseg notebook</c> in a child process (Roslyn's compilations stay out of this
    /// process, whose memory another test measures) and returns the exit code, the output and the page.</summary>
    private static (int ExitCode, string Output, string Page) RunHeadless(TempFolder dir, string notebook)
    {
        var result = ChildProcess.Run("dotnet", [Path.Combine(AppContext.BaseDirectory, "desertseg.dll"), "notebook", notebook,
            "--out", dir.Path], limit: TimeSpan.FromMinutes(3));
        string page = Path.Combine(dir.Path, Path.GetFileNameWithoutExtension(notebook) + ".html");
        return (result.ExitCode, result.Output, File.Exists(page) ? File.ReadAllText(page) : "");
    }

    /// <summary>The outputs of each code cell of a page, in order: ("out" | "html" | "error", content).</summary>
    private static List<List<(string Kind, string Content)>> Outputs(string page) =>
        Regex.Split(page, "<div class=\"cell\">").Skip(1).Where(c => c.Contains("<pre class=\"code\">"))
            .Select(c => Regex.Matches(c, "<pre class=\"(out|error)\">(.*?)</pre>|<div class=\"html\">(.*?)</div>", RegexOptions.Singleline)
                .Select(m => m.Groups[1].Success ? (m.Groups[1].Value, WebUtility.HtmlDecode(m.Groups[2].Value)) : ("html", m.Groups[3].Value))
                .ToList())
            .ToList();

    [Fact]
    public void CellsShareVariables_ShowDisplayedValuesAndTheirLastExpression_AndStopAtTheFirstFailure()
    {
        using var dir = new TempFolder();
        string notebook = dir.Combine("t.dib");
        File.WriteAllText(notebook, string.Join("\n",
            "#!markdown", "# A test", "#!csharp", "var n = 20;", "Console.WriteLine(\"printed\");", "n + 1",
            "#!csharp", "display(HTML(\"<b>bold</b>\"));", "display(\"text\");", "n * 2",
            "#!csharp", "throw new InvalidOperationException(\"stop here\");",
            "#!csharp", "Console.WriteLine(\"never\");"));

        var (exitCode, output, page) = RunHeadless(dir, notebook);

        Assert.True(exitCode == 1, $"exit {exitCode}: a failed cell fails the command\n{output}");
        Assert.Contains("stop here", output);
        var cells = Outputs(page);
        Assert.Equal(4, cells.Count);
        Assert.Equal([("out", "printed"), ("out", "21")], cells[0]);
        Assert.Equal([("html", "<b>bold</b>"), ("out", "text"), ("out", "40")], cells[1]);
        Assert.Equal("error", Assert.Single(cells[2]).Kind);
        Assert.Contains("stop here", cells[2][0].Content);
        Assert.Empty(cells[3]);
        Assert.Contains("not run", page);
        Assert.Contains("<h1 id=\"a-test\">A test</h1>", page);
    }

    [Fact]
    public void ACompileError_IsTheCellsOutput_WithItsLine()
    {
        using var dir = new TempFolder();
        string notebook = dir.Combine("t.dib");
        File.WriteAllText(notebook, "#!csharp\nvar x = 1;\n#!csharp\nint y = \"no\";\n");

        var (exitCode, _, page) = RunHeadless(dir, notebook);

        Assert.Equal(1, exitCode);
        var error = Assert.Single(Outputs(page).SelectMany(c => c), o => o.Kind == "error");
        Assert.Contains("CS0029", error.Content);
    }

    [Fact]
    public void EveryIpynbCopy_IsWhatItsDibMakes()
    {
        var notebooks = IpynbFile.Notebooks(NotebooksFolder);
        Assert.True(notebooks.Count >= 12, $"{notebooks.Count} notebooks");
        foreach (string dib in notebooks)
        {
            string copy = IpynbFile.CopyOf(dib);
            Assert.True(File.Exists(copy), $"{Path.GetFileName(copy)} is missing: run `desertseg notebook --ipynb`");
            Assert.True(IpynbFile.FromCells(DibFile.Read(dib)) == File.ReadAllText(copy),
                $"{Path.GetFileName(copy)} is out of date with {Path.GetFileName(dib)}: run `desertseg notebook --ipynb`");
            // Jupyter reads back the same cells.
            Assert.Equal(DibFile.Read(dib).Select(c => (c.Kind, c.Text.TrimEnd('\n'))),
                IpynbFile.ReadCells(File.ReadAllText(copy)).Select(c => (c.Kind, c.Text)));
        }
        Assert.Equal(notebooks.Count, Directory.GetFiles(NotebooksFolder, "*.ipynb").Length);
    }

    [Theory]
    [InlineData("07", "07-phase5-seven-class.dib")]
    [InlineData("7", "07-phase5-seven-class.dib")]
    [InlineData("07-phase5-seven-class", "07-phase5-seven-class.dib")]
    [InlineData("12-label-free-estimation.dib", "12-label-free-estimation.dib")]
    public void ANotebookIsNamedByNumberOrName(string name, string file) =>
        Assert.Equal(file, Path.GetFileName(DesertSeg.Cli.Commands.NotebookCommand.Resolve(name, NotebooksFolder)));

    [Fact]
    public void AnUnknownNotebook_IsRefusedListingTheNotebooks()
    {
        var error = Assert.Throws<ArgumentException>(() => DesertSeg.Cli.Commands.NotebookCommand.Resolve("99", NotebooksFolder));
        Assert.Contains("07-phase5-seven-class", error.Message);
    }
}
