using DesertSeg.Lab.Notebooks.Scripting;

namespace DesertSeg.Lab.Tests.Notebooks;

/// <summary>
/// Every notebook reads as a chapter (issue 32): its question, then, after the opening, prose before and after each code
/// cell (why, and what to look for), more words of prose than of code, and what we learned at the end. 00-setup is the
/// workspace's checklist, not a chapter.
/// </summary>
public sealed class NotebookChapterTests
{
    public static TheoryData<string> Chapters()
    {
        var data = new TheoryData<string>();
        foreach (string file in IpynbFile.Notebooks(Path.Combine(Workspace.Root, "notebooks")))
            if (!Path.GetFileName(file).StartsWith("00-", StringComparison.Ordinal)) data.Add(Path.GetFileName(file));
        return data;
    }

    [Theory]
    [MemberData(nameof(Chapters))]
    public void ReadsAsAChapter(string notebook)
    {
        var cells = DibFile.Read(Path.Combine(Workspace.Root, "notebooks", notebook));
        Assert.True(cells[0].IsMarkdown && cells[0].Text.StartsWith("# ") && cells[0].Text.Contains("> *"),
            $"{notebook} does not open with its title and question");
        // After the parameter and open cells:
        var body = cells.Skip(3).ToList();
        for (int i = 1; i < body.Count; i++)
            Assert.False(body[i].IsCode && body[i - 1].IsCode,
                $"{notebook}: two code cells in a row, with no word between them:\n{body[i - 1].Text}\n{body[i].Text}");
        Assert.True(body[0].IsMarkdown, $"{notebook}: the first cell after the opening is code, with no why before it");
        int prose = Words(body.Where(c => c.IsMarkdown)), code = Words(body.Where(c => c.IsCode));
        Assert.True(prose >= code, $"{notebook}: {prose} words of prose against {code} of code");
        Assert.True(body[^1].IsMarkdown && body[^1].Text.Contains("## What we learned"),
            $"{notebook} does not end with what we learned");
    }

    private static int Words(IEnumerable<NotebookCell> cells) =>
        cells.Sum(c => c.Text.Split((char[])[' ', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries).Length);
}
