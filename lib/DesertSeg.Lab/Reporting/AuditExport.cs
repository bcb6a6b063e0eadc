using DesertSeg.Lab.Data.Audit;
using DesertSeg.Lab.Reporting.Charts;

namespace DesertSeg.Lab.Reporting;

/// <summary>Writes an audit's tables (CSV, Markdown) and charts (self-contained HTML) to a folder.</summary>
public static class AuditExport
{
    public static IReadOnlyList<string> Write(DatasetAudit audit, string folder)
    {
        Directory.CreateDirectory(folder);
        var written = new List<string>();
        void Table(string name, Microsoft.Data.Analysis.DataFrame frame, string title)
        {
            TableExport.SaveCsv(frame, Path.Combine(folder, name + ".csv"));
            TableExport.SaveMarkdown(frame, Path.Combine(folder, name + ".md"), title);
            written.Add(name + ".csv"); written.Add(name + ".md");
        }
        void Figure(string name, Plotly.NET.GenericChart chart)
        {
            ChartExport.SaveHtml(chart, Path.Combine(folder, name + ".html"));
            written.Add(name + ".html");
        }

        Table("audit-summary", audit.SummaryFrame(), "Data audit per split");
        Table("table1-class-distribution", audit.ClassShareFrame(), "Table 1: class distribution (% of labelled pixels)");
        TableExport.SaveCsv(audit.HistogramFrame(), Path.Combine(folder, "rgb-histograms.csv"));
        written.Add("rgb-histograms.csv");
        Figure("figure2-rgb-histograms", AuditCharts.RgbHistograms(audit));
        if (audit.Splits.Any(s => s.HasMasks))
            Figure("figure3-class-distribution", AuditCharts.ClassDistribution(audit));
        Figure("mean-rgb", AuditCharts.MeanRgb(audit));
        return written;
    }
}
