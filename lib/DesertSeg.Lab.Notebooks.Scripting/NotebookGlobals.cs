namespace DesertSeg.Lab.Notebooks.Scripting;

/// <summary>HTML to show as it is (what the kernel's <c>HTML(...)</c> makes).</summary>
public sealed record HtmlContent(string Html)
{
    public override string ToString() => Html;
}

/// <summary>
/// The names a notebook cell may call that the .NET Interactive C# kernel provides as globals: <c>display(value)</c> and
/// <c>HTML(text)</c>. Here they add to the running cell's outputs (<see cref="ScriptedNotebook"/>).
/// </summary>
public sealed class NotebookGlobals
{
    internal Action<object?> Show { get; set; } = _ => { };

    /// <summary>Shows a value below the cell (a chart, a table, HTML, text), as the kernel's <c>display</c>.</summary>
    public object? display(object? value)
    {
        Show(value);
        return null;
    }

    /// <summary>HTML shown as it is, as the kernel's <c>HTML</c>.</summary>
    public HtmlContent HTML(string html) => new(html);
}
