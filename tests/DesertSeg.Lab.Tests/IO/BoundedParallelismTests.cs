using System.Text.RegularExpressions;
using DesertSeg.Lab.IO;

namespace DesertSeg.Lab.Tests.IO;

public sealed class BoundedParallelismTests
{
    [Fact]
    public void A_loop_runs_no_more_workers_than_cores_even_when_the_pool_has_many_threads()
    {
        ThreadPool.GetMinThreads(out int workers, out int io);
        ThreadPool.SetMinThreads(Math.Max(workers, 32), io);   // the main job's pool after it waited on child trainings
        try
        {
            int running = 0, most = 0;
            Parallel.For(0, 64, BoundedParallelism.Options(), _ =>
            {
                int now = Interlocked.Increment(ref running);
                int seen;
                while ((seen = Volatile.Read(ref most)) < now && Interlocked.CompareExchange(ref most, now, seen) != seen) { }
                Thread.Sleep(20);
                Interlocked.Decrement(ref running);
            });
            Assert.InRange(most, 1, Environment.ProcessorCount);
        }
        finally
        {
            ThreadPool.SetMinThreads(workers, io);
        }
    }

    [Fact]
    public void Every_parallel_loop_of_the_library_is_bounded()
    {
        string library = Path.Combine(Workspace.Root, "lib", "DesertSeg.Lab");
        var unbounded = Directory.EnumerateFiles(library, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}"))
            .SelectMany(f => File.ReadAllLines(f).Select((line, n) => (File: f, Line: n + 1, Text: line)))
            .Where(l => Regex.IsMatch(l.Text, @"Parallel\.(For|ForEach)\(") && !l.Text.Contains("BoundedParallelism")
                && !l.Text.Contains("options"))
            .Select(l => $"{Path.GetRelativePath(library, l.File)}:{l.Line}")
            .ToList();
        Assert.Empty(unbounded);
    }
}
