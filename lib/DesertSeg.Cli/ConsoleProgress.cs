using Spectre.Console;

namespace DesertSeg.Cli;

/// <summary>Spectre.Console progress bars for library work that reports through <see cref="IProgress{T}"/>.</summary>
public static class ConsoleProgress
{
    /// <summary>Runs <paramref name="work"/> under a progress bar of <paramref name="total"/> steps.</summary>
    public static T Run<T>(string description, int total, Func<IProgress<int>, T> work)
    {
        if (total <= 0) return work(new Progress<int>());
        T result = default!;
        AnsiConsole.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(),
                new ElapsedTimeColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .Start(ctx =>
            {
                var task = ctx.AddTask(description, maxValue: total);
                result = work(new SyncProgress(done => task.Value = done));
            });
        return result;
    }

    public static void Run(string description, int total, Action<IProgress<int>> work) =>
        Run<bool>(description, total, p => { work(p); return true; });

    /// <summary>Reports on the caller's thread: Progress&lt;T&gt; would post to the thread pool and lag behind.</summary>
    private sealed class SyncProgress(Action<int> report) : IProgress<int>
    {
        private int _max;

        public void Report(int value)
        {
            // Workers finish out of order; the bar only moves forward.
            int seen;
            while (value > (seen = Volatile.Read(ref _max)))
                if (Interlocked.CompareExchange(ref _max, value, seen) == seen) { report(value); return; }
        }
    }
}
