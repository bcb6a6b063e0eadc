using DesertSeg.Lab.Training;

namespace DesertSeg.Lab.Tests.Training;

public class RunLockTests
{
    [Fact]
    public async Task ASecondHolder_WaitsUntilTheFirstLetsGo()
    {
        using var folder = new TempFolder();
        var run = new RunDirectory(folder.Combine("phase5-quick-0123456789"));
        var first = RunLock.Acquire(run);
        string? told = null;
        var second = Task.Run(() => RunLock.Acquire(run, waiting: m => told = m));

        // The second holder waits for the first: after 1.5 s the delay has finished, not the second acquire.
        Assert.NotSame(second, await Task.WhenAny(second, Task.Delay(TimeSpan.FromSeconds(1.5))));
        Assert.Contains("phase5-quick-0123456789 is being trained by another process", told);
        first.Dispose();
        // WaitAsync throws TimeoutException if the second holder never gets the lock once it is free.
        (await second.WaitAsync(TimeSpan.FromSeconds(10))).Dispose();
        // The lock lives beside the run folder, which may be deleted and made again under it.
        Assert.Equal(folder.Combine(".phase5-quick-0123456789.lock"), RunLock.FileOf(run));
    }

    [Fact]
    public void Waiting_StopsWhenCancelled()
    {
        using var folder = new TempFolder();
        var run = new RunDirectory(folder.Combine("phase3-quick-0123456789"));
        using var first = RunLock.Acquire(run);
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(1));
        Assert.ThrowsAny<OperationCanceledException>(() => RunLock.Acquire(run, cancel.Token));
    }
}
