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
        string ext = Path.GetExtension(path).ToLowerInvariant();
        if (ext == ".html") { ChartExport.SaveHtml(chart, path); return; }
        if (ext is not (".png" or ".svg"))
            throw new ArgumentException($"{path}: figures are saved as .png, .svg or .html, not '{ext}'.");
        string browser = FindBrowser() ?? throw new InvalidOperationException(
            $"{path}: no Chromium/Chrome/Edge found for PNG/SVG export. Install one (Debian: apt-get install chromium) or set DESERTSEG_CHROMIUM.");

        string format = ext.TrimStart('.');
        string work = Path.Combine(Path.GetTempPath(), "desertseg-export-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(work);
        try
        {
            string page = Path.Combine(work, "chart.html");
            File.WriteAllText(page,
                "<!DOCTYPE html><html><head><meta charset=\"utf-8\"></head><body>" + PlotlyScript.GlobalScriptTags +
                "<pre id=\"out\"></pre><script>(async function() {" +
                $"var figure = {GenericChart.toFigureJson(chart)};" +
                $"var url = await Plotly.toImage({{data: figure.data, layout: figure.layout}}, {{format: '{format}', width: {width}, height: {height}}});" +
                "document.getElementById('out').textContent = 'DATAURL:' + url + ':END';})();</script></body></html>");
            string dom = RunHeadless(browser, page, work);
            var match = DataUrl().Match(dom);
            if (!match.Success)
                throw new InvalidOperationException($"{path}: the browser ({browser}) did not render the chart.");
            byte[] bytes = DecodeDataUrl(match.Groups[1].Value);
            AtomicFile.WriteAllBytes(path, bytes);
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

    [GeneratedRegex("DATAURL:(data:[^:]*?[,][^<]*?):END", RegexOptions.Singleline)]
    private static partial Regex DataUrl();
}
