using System.Text.Json;

namespace DesertSeg.Lab.Tests.Notebooks;

/// <summary>Every notebook runs top to bottom in the real kernel at smoke scale with no failed cell.</summary>
[Trait(Tier.Category, Tier.Slow)]
[Collection(SmokeStudyCollection.Name)]
public class NotebookTests(SmokeStudyFixture fixture)
{
    public static TheoryData<string> AllNotebooks()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(Path.Combine(Workspace.Root, "notebooks"), "*.dib").Order())
            data.Add(Path.GetFileName(file));
        return data;
    }

    [Theory]
    [MemberData(nameof(AllNotebooks))]
    public void RunsWithoutAFailedCell(string notebook)
    {
        var (exitCode, output, executed) = fixture.Execute(notebook);

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
        foreach (var file in Directory.GetFiles(Path.Combine(Workspace.Root, "notebooks"), "*.dib"))
        {
            string text = File.ReadAllText(file);
            Assert.Contains("#!markdown", text);
            Assert.Contains("var scale = ", text);          // one parameter cell
            Assert.Contains("Notebook.Start(", text);      // the library does the work
            Assert.DoesNotMatch(@"\bclass\s+[A-Z]\w*\s*[{:(]", text); // no types defined in a notebook: logic lives in lib/
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
