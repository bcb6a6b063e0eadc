using DesertSeg.Lab.Training;

namespace DesertSeg.Lab.Notebooks.Scripting;

/// <summary>
/// The notebooks' host without .NET Interactive: charts and tables are formatted by the page
/// (<see cref="NotebookPage"/>), training prints one line per epoch, long calls print a line at each tenth, and
/// <see cref="Stop"/> is the stop button (Ctrl+C at the command line).
/// </summary>
public sealed class HeadlessHost(TextWriter log) : INotebookHost
{
    private readonly CancellationTokenSource _stop = new();

    /// <summary>Stops training and scoring in the running cell (a run resumes from its last complete epoch next time).</summary>
    public void Stop() => _stop.Cancel();

    public void RegisterFormatters() { }

    public ITrainingObserver TrainingObserver() => new EpochLineObserver(log);

    public CancellationToken Cancellation() => _stop.Token;

    public IProgress<int>? Progress(string what, int total)
    {
        int shown = -1;
        return new Reported(done =>
        {
            int tenth = total <= 0 ? 10 : (int)(10L * done / total);
            if (tenth == shown) return;
            shown = tenth;
            log.WriteLine($"{what}: {done} of {total}");
        });
    }

    public void Fail(Exception error) { }

    /// <summary>Reports on the calling thread, as the work goes (not <see cref="Progress{T}"/>'s captured context).</summary>
    private sealed class Reported(Action<int> report) : IProgress<int>
    {
        public void Report(int value) => report(value);
    }
}
