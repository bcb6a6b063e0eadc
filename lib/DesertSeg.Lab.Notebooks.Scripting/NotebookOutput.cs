namespace DesertSeg.Lab.Notebooks.Scripting;

/// <summary>What a cell showed, in order: printed text, HTML (a chart, a table, a gallery), or the error it stopped with.</summary>
public sealed record NotebookOutput(NotebookOutputKind Kind, string Content);

public enum NotebookOutputKind { Text, Html, Error }

/// <summary>A cell and what it showed (markdown cells show nothing).</summary>
public sealed record ExecutedCell(NotebookCell Cell, IReadOnlyList<NotebookOutput> Outputs, TimeSpan Elapsed)
{
    public bool Failed => Outputs.Any(o => o.Kind == NotebookOutputKind.Error);
}

/// <summary>A notebook run to its end (or to its first failed cell, after which nothing runs).</summary>
public sealed record ExecutedNotebook(string Name, string Source, IReadOnlyList<ExecutedCell> Cells, DateTimeOffset Started)
{
    public bool Failed => Cells.Any(c => c.Failed);
}
