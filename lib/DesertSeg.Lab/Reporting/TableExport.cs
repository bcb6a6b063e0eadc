using System.Globalization;
using System.Text;
using DesertSeg.Lab.IO;
using Microsoft.Data.Analysis;

namespace DesertSeg.Lab.Reporting;

/// <summary>Writes DataFrames as CSV and Markdown tables (atomically).</summary>
public static class TableExport
{
    public static void SaveCsv(DataFrame frame, string path) =>
        AtomicFile.WriteThroughTempPath(path, temp => DataFrame.SaveCsv(frame, temp, cultureInfo: CultureInfo.InvariantCulture));

    public static void SaveMarkdown(DataFrame frame, string path, string? title = null) =>
        AtomicFile.WriteAllText(path, ToMarkdown(frame, title));

    /// <summary>A GitHub-flavoured Markdown table of the frame.</summary>
    public static string ToMarkdown(DataFrame frame, string? title = null)
    {
        var md = new StringBuilder();
        if (title is not null) md.Append("## ").AppendLine(title).AppendLine();
        md.Append("| ").AppendJoin(" | ", frame.Columns.Select(c => c.Name)).AppendLine(" |");
        md.Append('|').AppendJoin("", frame.Columns.Select(_ => "---|")).AppendLine();
        foreach (var row in frame.Rows)
            md.Append("| ").AppendJoin(" | ", row.Select(v => Format(v).Replace("|", "\\|"))).AppendLine(" |");
        return md.ToString();
    }

    /// <summary>An HTML table of the frame (first <paramref name="maxRows"/> rows).</summary>
    public static string ToHtml(DataFrame frame, int maxRows = 200)
    {
        var html = new StringBuilder("<table><thead><tr>");
        foreach (var column in frame.Columns) html.Append("<th>").Append(System.Net.WebUtility.HtmlEncode(column.Name)).Append("</th>");
        html.Append("</tr></thead><tbody>");
        foreach (var row in frame.Rows.Take(maxRows))
        {
            html.Append("<tr>");
            foreach (var value in row) html.Append("<td>").Append(System.Net.WebUtility.HtmlEncode(Format(value))).Append("</td>");
            html.Append("</tr>");
        }
        html.Append("</tbody></table>");
        if (frame.Rows.Count > maxRows) html.Append($"<p>({frame.Rows.Count - maxRows} more rows)</p>");
        return html.ToString();
    }

    private static string Format(object? value) => value switch
    {
        null => "",
        double d => d.ToString("0.####", CultureInfo.InvariantCulture),
        float f => f.ToString("0.####", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}
