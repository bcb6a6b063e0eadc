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

        var executed = new ScriptedNotebook(TextWriter.Null).Run(notebook);

        var code = executed.Cells.Where(c => c.Cell.IsCode).ToList();
        Assert.Equal([(NotebookOutputKind.Text, "printed\n"), (NotebookOutputKind.Text, "21")],
            code[0].Outputs.Select(o => (o.Kind, o.Content)).ToArray());
        Assert.Equal([(NotebookOutputKind.Html, "<b>bold</b>"), (NotebookOutputKind.Text, "text"), (NotebookOutputKind.Text, "40")],
            code[1].Outputs.Select(o => (o.Kind, o.Content)).ToArray());
        Assert.True(code[2].Failed);
        Assert.Contains("stop here", code[2].Outputs.Single().Content);
        Assert.Empty(code[3].Outputs);
        Assert.Equal(TimeSpan.Zero, code[3].Elapsed);
        Assert.True(executed.Failed);
        string page = NotebookPage.Render(executed);
        Assert.Contains("<h1 id=\"a-test\">A test</h1>", page);
        Assert.Contains("<b>bold</b>", page);
        Assert.Contains("stop here", page);
    }

    [Fact]
    public void ACompileError_IsTheCellsOutput_WithItsLine()
    {
        using var dir = new TempFolder();
        string notebook = dir.Combine("t.dib");
        File.WriteAllText(notebook, "#!csharp\nvar x = 1;\n#!csharp\nint y = \"no\";\n");

        var executed = new ScriptedNotebook(TextWriter.Null).Run(notebook);

        var failed = Assert.Single(executed.Cells, c => c.Failed);
        Assert.Contains("CS0029", failed.Outputs.Single().Content);
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
