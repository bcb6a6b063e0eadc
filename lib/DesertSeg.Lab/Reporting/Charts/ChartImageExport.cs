using System.Diagnostics;
using System.Text.RegularExpressions;
using DesertSeg.Lab.IO;
using Plotly.NET;

namespace DesertSeg.Lab.Reporting.Charts;

/// <summary>
/// Static images (PNG, SVG) of Plotly charts, rendered by plotly.js itself in a headless Chromium
/// (Plotly.toImage), so they look exactly like the interactive chart. The browser is found through
/// DESERTSEG_CHROMIUM (a path, or "none" to export no images), else the usual Chromium/Chrome/Edge locations.
/// </summary>
public static partial class ChartImageExport
{
    /// <summary>The browser used, or null when none is installed (or DESERTSEG_CHROMIUM names none that exists).</summary>
    public static string? FindBrowser()
    {
        if (Environment.GetEnvironmentVariable("DESERTSEG_CHROMIUM") is { Length: > 0 } configured)
            return File.Exists(configured) ? configured : null;
        string[] candidates = OperatingSystem.IsWindows()
            ?
            [
                @"C:\Program Files\Google\Chrome\Application\chrome.exe",
                @"C:\Program Files (x86)\Microsoft\Edge\Application\msedge.exe",
                @"C:\Program Files\Microsoft\Edge\Application\msedge.exe",
            ]
            : ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome", "/snap/bin/chromium",
               "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome"];
        return candidates.FirstOrDefault(File.Exists);
    }

    /// <summary>Saves <paramref name="chart"/> as .png, .svg or .html (chosen by extension), atomically.</summary>
    public static void Save(GenericChart chart, string path, int width = 900, int height = 500)
    {
        if (Path.GetExtension(path).Equals(".html", StringComparison.OrdinalIgnoreCase)) { ChartExport.SaveHtml(chart, path); return; }
        SaveMany([(chart, path, width, height)]);
    }

    /// <summary>
    /// Several charts as .png or .svg with one browser start (a start costs seconds; rendering a chart, milliseconds):
    /// one page renders every chart in turn. Each file is written atomically.
    /// </summary>
    public static void SaveMany(IReadOnlyList<(GenericChart Chart, string Path, int Width, int Height)> items)
    {
        if (items.Count == 0) return;
        foreach (var item in items)
        {
            string ext = System.IO.Path.GetExtension(item.Path).ToLowerInvariant();
            if (ext is not (".png" or ".svg"))
                throw new ArgumentException($"{item.Path}: figures are saved as .png, .svg or .html, not '{ext}'.");
        }
        string browser = FindBrowser() ?? throw new InvalidOperationException(
            $"{items[0].Path}: no Chromium/Chrome/Edge found for PNG/SVG export. " +
            "Install one (Debian: apt-get install chromium) or set DESERTSEG_CHROMIUM.");

        string work = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "desertseg-export-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(work);
        try
        {
            var script = new System.Text.StringBuilder("<pre id=\"out\"></pre><script>(async function() { var out = '';");
            for (int i = 0; i < items.Count; i++)
            {
                var (chart, path, width, height) = items[i];
                string format = System.IO.Path.GetExtension(path).TrimStart('.').ToLowerInvariant();
                script.Append($"var figure{i} = {GenericChart.toFigureJson(chart)};")
                    .Append($"out += 'DATAURL{i}:' + await Plotly.toImage({{data: figure{i}.data, layout: figure{i}.layout}}, " +
                        $"{{format: '{format}', width: {width}, height: {height}}}) + ':END\\n';");
            }
            script.Append("document.getElementById('out').textContent = out;})();</script>");
            string page = System.IO.Path.Combine(work, "charts.html");
            File.WriteAllText(page, "<!DOCTYPE html><html><head><meta charset=\"utf-8\"></head><body>" + PlotlyScript.GlobalScriptTags +
                script + "</body></html>");
            string dom = RunHeadless(browser, page, work);
            var urls = DataUrl().Matches(dom).ToDictionary(m => int.Parse(m.Groups[1].Value), m => m.Groups[2].Value);
            for (int i = 0; i < items.Count; i++)
            {
                if (!urls.TryGetValue(i, out var url))
                    throw new InvalidOperationException($"{items[i].Path}: the browser ({browser}) did not render the chart.");
                AtomicFile.WriteAllBytes(items[i].Path, DecodeDataUrl(url));
            }
        }
        finally
        {
            try { Directory.Delete(work, recursive: true); } catch (IOException) { }
        }
    }

    private static byte[] DecodeDataUrl(string url)
    {
        int comma = url.IndexOf(',');
        string meta = url[..comma], payload = url[(comma + 1)..];
        return meta.EndsWith(";base64", StringComparison.Ordinal)
            ? Convert.FromBase64String(payload)
            : System.Text.Encoding.UTF8.GetBytes(Uri.UnescapeDataString(payload));
    }

    private static string RunHeadless(string browser, string page, string profile)
    {
        var start = new ProcessStartInfo(browser) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[]
                 {
                     "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                     "--disable-background-networking", "--disable-component-update", "--disable-sync",
                     $"--user-data-dir={Path.Combine(profile, "profile")}", "--virtual-time-budget=20000", "--dump-dom",
                     new Uri(page).AbsoluteUri,
                 })
            start.ArgumentList.Add(arg);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {browser}");
        var stderr = process.StandardError.ReadToEndAsync();
        string dom = process.StandardOutput.ReadToEnd();
        if (!process.WaitForExit(TimeSpan.FromSeconds(60)))
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"{browser} did not finish rendering within 60 s.");
        }
        _ = stderr.Result;
        return dom;
    }

    [GeneratedRegex("DATAURL([0-9]+):(data:[^:]*?[,][^<]*?):END", RegexOptions.Singleline)]
    private static partial Regex DataUrl();
}
