using System.Net;
using System.Text;
using DesertSeg.Lab.Reporting.Charts;
using Microsoft.Data.Analysis;
using Plotly.NET;

namespace DesertSeg.Lab.Reporting;

/// <summary>One line of the report page's opening summary: the report's number beside this run's.</summary>
public sealed record SummaryLine(string Quantity, string Report, string Measured);

/// <summary>
/// report/index.html in the shape of a paper: a title and an opening summary (the report's headline numbers beside this
/// run's), then numbered sections in the report's order, each with its tables and its figures inline where it discusses
/// them (interactive Plotly, plotly.js carried once in the page, so it works offline and without any exported PNG), each
/// figure with a one-sentence caption; the run list and provenance at the end.
/// </summary>
public sealed class ReportPage(string title)
{
    private abstract record Block(string Title);
    private sealed record TableBlock(string Title, string Name, string Note, DataFrame Frame) : Block(Title);
    private sealed record FigureBlock(string Title, string Name, string Caption, GenericChart Chart) : Block(Title);
    private sealed record GalleryBlock(string Title, string Name, IReadOnlyList<(string Alt, string Caption)> Images) : Block(Title);
    private sealed record Section(string Title, string Intro, List<Block> Blocks);

    private readonly List<Section> _sections = [];
    private readonly List<SummaryLine> _summary = [];
    private string _lede = "";
    private string _provenance = "";

    /// <summary>The sentence under the title: scale, data, when.</summary>
    public void Lede(string text) => _lede = text;

    public void Summary(SummaryLine line) => _summary.Add(line);

    /// <summary>Starts a section; what follows belongs to it.</summary>
    public void StartSection(string sectionTitle, string intro) => _sections.Add(new Section(sectionTitle, intro, []));

    private List<Block> Current => (_sections.Count > 0 ? _sections[^1]
        : throw new InvalidOperationException("Start a section before adding to it.")).Blocks;

    public void Table(string tableTitle, string name, string note, DataFrame frame) => Current.Add(new TableBlock(tableTitle, name, note, frame));

    public void Figure(string figureTitle, string name, string caption, GenericChart chart) =>
        Current.Add(new FigureBlock(figureTitle, name, caption, chart));

    /// <summary>Images saved as figures/NAME-1.png, NAME-2.png, … with their captions.</summary>
    public void Gallery(string galleryTitle, string name, IReadOnlyList<(string Alt, string Caption)> images) =>
        Current.Add(new GalleryBlock(galleryTitle, name, images));

    /// <summary>The closing section's HTML (the runs and where every number came from).</summary>
    public void Provenance(string html) => _provenance = html;

    /// <summary>Names of the tables and figures on the page, in order.</summary>
    public IEnumerable<string> Names => _sections.SelectMany(s => s.Blocks).Select(b => b switch
    {
        TableBlock t => t.Name,
        FigureBlock f => f.Name,
        GalleryBlock g => g.Name,
        _ => "",
    });

    public string Render()
    {
        string E(string s) => WebUtility.HtmlEncode(s);
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>").Append(E(title)).Append("</title>")
            // Script errors are kept on the page (data-script-errors), so a headless check can read them from the DOM.
            .Append("<script>window.addEventListener('error', function (e) { var h = document.documentElement; " +
                "h.setAttribute('data-script-errors', (h.getAttribute('data-script-errors') || '') + e.message + ';'); });</script>")
            .Append("<style>body{font-family:Georgia,serif;max-width:1000px;margin:auto;padding:1em 2em;line-height:1.45}")
            .Append("h1,h2,h3,nav{font-family:sans-serif}table{border-collapse:collapse;margin:.5em 0;font-size:90%}")
            .Append("td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}td:first-child,th:first-child{text-align:left}")
            .Append("figure{margin:1.5em 0}figcaption{font-size:92%;color:#333}img{max-width:100%}.note{color:#555;font-size:92%}")
            .Append(".lede{color:#444}.summary td:nth-child(2){color:#666}</style>")
            .Append(PlotlyScript.GlobalScriptTags).Append("</head><body>");
        html.Append($"<h1>{E(title)}</h1><p class=\"lede\">{E(_lede)}</p>");
        if (_summary.Count > 0)
        {
            html.Append("<h2>Summary</h2><table class=\"summary\"><tr><th></th><th>Report (real Falcon data, ResNet-101)</th>" +
                "<th>This run</th></tr>");
            foreach (var line in _summary)
                html.Append($"<tr><td>{E(line.Quantity)}</td><td>{E(line.Report)}</td><td><b>{E(line.Measured)}</b></td></tr>");
            html.Append("</table>");
        }
        html.Append("<nav><b>Contents</b><ol>");
        for (int i = 0; i < _sections.Count; i++) html.Append($"<li><a href=\"#s{i + 1}\">{E(_sections[i].Title)}</a></li>");
        html.Append("<li><a href=\"#provenance\">Runs and provenance</a></li></ol></nav>");
        int figure = 0, table = 0;
        for (int i = 0; i < _sections.Count; i++)
        {
            var section = _sections[i];
            html.Append($"<h2 id=\"s{i + 1}\">{i + 1}. {E(section.Title)}</h2><p>{E(section.Intro)}</p>");
            foreach (var block in section.Blocks)
            {
                switch (block)
                {
                    case TableBlock t:
                        html.Append($"<h3>Table {++table}. {E(t.Title)}</h3><p class=\"note\">{E(t.Note)} " +
                                $"(<a href=\"tables/{t.Name}.md\">md</a>, <a href=\"tables/{t.Name}.csv\">csv</a>)</p>")
                            .Append(TableExport.ToHtml(t.Frame));
                        break;
                    case FigureBlock f:
                        html.Append($"<figure id=\"{f.Name}\">")
                            .Append(PlotlyScript.DrawFragment(f.Chart, $"chart-{f.Name}"))
                            .Append($"<figcaption><b>Figure {++figure}. {E(f.Title)}.</b> {E(f.Caption)} " +
                                $"(<a href=\"figures/{f.Name}.html\">alone</a>)</figcaption></figure>");
                        break;
                    case GalleryBlock g:
                        html.Append($"<h3>{E(g.Title)}</h3>");
                        for (int k = 0; k < g.Images.Count; k++)
                            html.Append($"<figure><img src=\"figures/{g.Name}-{k + 1}.png\" alt=\"{E(g.Images[k].Alt)}\"/>" +
                                $"<figcaption>{E(g.Images[k].Caption)}</figcaption></figure>");
                        break;
                }
            }
        }
        html.Append("<h2 id=\"provenance\">Runs and provenance</h2>").Append(_provenance);
        return html.Append("</body></html>").ToString();
    }
}
