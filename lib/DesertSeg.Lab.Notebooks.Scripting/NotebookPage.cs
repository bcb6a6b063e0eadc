using System.Net;
using System.Text;
using DesertSeg.Lab.IO;
using Markdig;

namespace DesertSeg.Lab.Notebooks.Scripting;

/// <summary>
/// One HTML page per executed notebook: its markdown as prose, each code cell, and the cell's outputs below it in order
/// (charts drawn by the plotly.js the first chart carries inline, so the page works offline; tables; printed text; the
/// error a failed cell stopped with).
/// </summary>
public static class NotebookPage
{
    private static readonly MarkdownPipeline Markdown = new MarkdownPipelineBuilder().UseAdvancedExtensions().Build();

    public static string Render(ExecutedNotebook notebook, string? subtitle = null)
    {
        string title = notebook.Cells.Select(c => c.Cell).FirstOrDefault(c => c.IsMarkdown && c.Text.StartsWith("# "))
            ?.Text.Split('\n')[0][2..].Trim() ?? notebook.Name;
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>")
            .Append(WebUtility.HtmlEncode(title)).Append("</title>\n<style>")
            .Append("body{font-family:system-ui,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222;line-height:1.45}")
            .Append("pre{overflow-x:auto;padding:.6em .8em;border-radius:4px;font-size:13px}")
            .Append("pre.code{background:#f4f5f7;border-left:3px solid #6a7fdb}pre.out{background:#fff;border:1px solid #e3e3e3}")
            .Append("pre.error{background:#fdecea;border:1px solid #e0a8a0;color:#8a1c10}")
            .Append(".cell{margin:1.2em 0}.meta{color:#777;font-size:12px}table{border-collapse:collapse;font-size:13px}")
            .Append("td,th{border:1px solid #ddd;padding:3px 6px;text-align:right}th{background:#f4f5f7}")
            .Append("</style></head><body>\n");
        html.Append("<p class=\"meta\">").Append(WebUtility.HtmlEncode(
            $"{Path.GetFileName(notebook.Source)}, run without .NET Interactive (desertseg notebook) on {notebook.Started:yyyy-MM-dd HH:mm zzz}" +
            (subtitle is null ? "" : $"; {subtitle}"))).Append("</p>\n");
        int code = 0;
        foreach (var cell in notebook.Cells)
        {
            html.Append("<div class=\"cell\">");
            if (cell.Cell.IsMarkdown)
                html.Append(Markdig.Markdown.ToHtml(cell.Cell.Text, Markdown));
            else
            {
                code++;
                html.Append("<p class=\"meta\">[").Append(code).Append(']')
                    .Append(cell.Elapsed > TimeSpan.Zero ? $" {cell.Elapsed.TotalSeconds:F1} s" : " not run").Append("</p>")
                    .Append(cell.Cell.ImportedFrom is { } from
                        ? $"<details><summary><code>#!import {WebUtility.HtmlEncode(from)}</code> (its cell, shown on request)</summary>" +
                          $"<pre class=\"code\"><code>{WebUtility.HtmlEncode(cell.Cell.Text.TrimEnd())}</code></pre></details>"
                        : $"<pre class=\"code\"><code>{WebUtility.HtmlEncode(cell.Cell.Text.TrimEnd())}</code></pre>");
                foreach (var output in cell.Outputs)
                    html.Append(output.Kind switch
                    {
                        NotebookOutputKind.Html => $"<div class=\"html\">{output.Content}</div>",
                        NotebookOutputKind.Error => $"<pre class=\"error\">{WebUtility.HtmlEncode(output.Content)}</pre>",
                        _ => $"<pre class=\"out\">{WebUtility.HtmlEncode(output.Content.TrimEnd())}</pre>",
                    });
            }
            html.Append("</div>\n");
        }
        html.Append("</body></html>\n");
        return html.ToString();
    }

    /// <summary>Writes the page to <paramref name="path"/> atomically and returns the path.</summary>
    public static string Save(ExecutedNotebook notebook, string path, string? subtitle = null)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        AtomicFile.WriteAllText(path, Render(notebook, subtitle));
        return path;
    }
}
