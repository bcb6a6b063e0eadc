using System.Diagnostics;
using System.Net;
using DesertSeg.Lab.Reporting.Charts;
using DesertSeg.Lab.Training;
using Microsoft.DotNet.Interactive;
using Microsoft.DotNet.Interactive.Formatting;

namespace DesertSeg.Lab.Notebooks;

/// <summary>
/// A training's progress inside the running cell, the kernel's own way: one display per run, updated in place
/// (<c>display</c>, then <c>Update</c>; no new line per step): run, epoch, step of steps, images/s, elapsed, ETA and the
/// running loss, at most <see cref="UpdatesPerSecond"/> times a second so that drawing never slows training; and a chart of
/// loss and val mIoU updated after each epoch, which stays as the cell's output when it ends. Outside a kernel (no
/// running cell) it prints one line per epoch instead.
/// </summary>
public sealed class CellProgress : ITrainingObserver
{
    public const int UpdatesPerSecond = 4;

    private readonly EpochLineObserver _lines = new(Console.Out);
    private readonly Stopwatch _clock = new();
    private DisplayedValue? _status, _chart;
    private RunConfig? _config;
    private List<EpochRecord> _history = [];
    private int _startEpoch, _stepsPerEpoch;
    private long _lastUpdate = long.MinValue;

    private static bool InCell => KernelInvocationContext.Current is not null;

    public void RunStarted(RunDirectory run, RunConfig config, int startEpoch, int stepsPerEpoch)
    {
        _config = config;
        _startEpoch = startEpoch;
        _stepsPerEpoch = stepsPerEpoch;
        _history = startEpoch > 0 ? run.ReadHistory().Where(r => r.Epoch < startEpoch).ToList() : [];
        _clock.Restart();
        _lastUpdate = long.MinValue;
        _chart = null;
        if (!InCell)
        {
            _lines.RunStarted(run, config, startEpoch, stepsPerEpoch);
            return;
        }
        string start = startEpoch > 0
            ? $"resuming at epoch {startEpoch + 1} of {config.Epochs}{(run.ResumeNote() is { } note ? $" ({note})" : "")}"
            : $"{config.Epochs} epochs";
        _status = Kernel.display(Html($"{config.Name}: {config.Description}", $"{start}, {stepsPerEpoch} steps per epoch → {run.Path}"));
        if (_history.Count > 0) _chart = Kernel.display(Chart());
    }

    public void RunReselected(RunDirectory run, RunConfig config, RunDirectory source)
    {
        _config = config;
        _startEpoch = 0;
        _history = [];
        _chart = null;
        _status = null;
        // No steps to follow: each epoch's scores update a display of their own and the chart as a training's do, below
        // the line that says where the epochs come from.
        if (!InCell)
        {
            _lines.RunReselected(run, config, source);
            return;
        }
        Kernel.display(Html(config.Name, EpochLineObserver.ReselectedLine(run, config, source)));
        _status = Kernel.display(Html($"{config.Name}: scoring the kept epochs", $"{config.Epochs} epochs", 0));
    }

    public void WaitingForRun(RunDirectory run, string message)
    {
        if (InCell) Kernel.display(Html(run.Name, message + " (the stop button stops waiting)"));
        else _lines.WaitingForRun(run, message);
    }

    public void StepCompleted(TrainingProgress p)
    {
        if (_status is null) return;
        long now = _clock.ElapsedMilliseconds;
        if (now - _lastUpdate < 1000 / UpdatesPerSecond && p.Step < p.StepsPerEpoch) return;
        _lastUpdate = now;
        int done = (p.Epoch - _startEpoch) * _stepsPerEpoch + p.Step;
        int left = (p.Epochs - p.Epoch - 1) * _stepsPerEpoch + (p.StepsPerEpoch - p.Step);
        var elapsed = _clock.Elapsed;
        var eta = done > 0 ? TimeSpan.FromSeconds(elapsed.TotalSeconds / done * left) : (TimeSpan?)null;
        _status.Update(Html($"{_config!.Name}: epoch {p.Epoch + 1} of {p.Epochs}, step {p.Step} of {p.StepsPerEpoch}",
            $"loss {p.Loss:F4} · {p.ImagesPerSecond:F1} images/s · elapsed {Clock(elapsed)}" +
            (eta is { } e ? $" · ETA {Clock(e)} (training steps; validation adds a little)" : ""),
            (double)done / (done + left)));
    }

    public void EpochCompleted(EpochRecord record)
    {
        _history.Add(record);
        if (!InCell || _status is null)
        {
            _lines.EpochCompleted(record);
            return;
        }
        _status.Update(Html($"{_config!.Name}: epoch {record.Epoch + 1} of {_config.Epochs} done{(record.Best ? " (best so far)" : "")}",
            EpochLineObserver.EpochLine(record), (record.Epoch + 1.0) / _config.Epochs));
        if (_chart is null) _chart = Kernel.display(Chart());
        else _chart.Update(Chart());
    }

    /// <summary>
    /// Progress of a call other than training (scoring, generation): one display in the running cell updated in place, at
    /// most <see cref="UpdatesPerSecond"/> times a second and at the end; nothing outside a cell.
    /// </summary>
    public static IProgress<int>? Work(string what, int total)
    {
        if (!InCell || total <= 0) return null;
        var clock = Stopwatch.StartNew();
        long last = long.MinValue;
        var shown = Kernel.display(Html(what, $"0 of {total}", 0));
        // Reports arrive on the calling thread (not Progress<T>'s captured context), so the display updates as work goes.
        // Generation reports from several threads at once: one update at a time.
        var gate = new object();
        return new Reporter(done =>
        {
            lock (gate)
            {
                long now = clock.ElapsedMilliseconds;
                if (now - last < 1000 / UpdatesPerSecond && done < total) return;
                last = now;
                shown.Update(Html(what, $"{done} of {total} · elapsed {Clock(clock.Elapsed)}", (double)done / total));
            }
        });
    }

    private sealed class Reporter(Action<int> report) : IProgress<int>
    {
        public void Report(int value) => report(value);
    }

    private Plotly.NET.GenericChart Chart() =>
        TrainingCharts.Progress(_history, $"{_config!.Name}: loss and val mIoU per epoch");

    private static string Clock(TimeSpan t) => t.TotalHours >= 1 ? t.ToString(@"h\:mm\:ss") : t.ToString(@"m\:ss");

    /// <summary>HTML the notebook's formatter writes as it is (registered in <see cref="Notebook.Setup"/>); a type of our own,
    /// not ASP.NET's HtmlString, whose assembly version differs between kernels (dotnet-repl's and VS Code's).</summary>
    public sealed record ProgressHtml(string Html);

    private static ProgressHtml Html(string title, string detail, double? fraction = null)
    {
        string bar = fraction is { } f
            ? $"<div style=\"background:#eee;width:360px;height:8px;margin:3px 0\"><div style=\"background:#2e8b57;height:8px;" +
              $"width:{Math.Clamp(f, 0, 1) * 100:F1}%\"></div></div>"
            : "";
        return new ProgressHtml($"<div class=\"desertseg-progress\"><b>{WebUtility.HtmlEncode(title)}</b>{bar}" +
            $"<div style=\"font-family:monospace\">{WebUtility.HtmlEncode(detail)}</div></div>");
    }
}
