using System.Diagnostics;
using DesertSeg.Lab.Losses;
using DesertSeg.Lab.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace DesertSeg.Lab.Tests.Models;

/// <summary>Resident memory is process-wide: these tests must not overlap with any other test.</summary>
[CollectionDefinition(nameof(ProcessMemoryCollection), DisableParallelization = true)]
public class ProcessMemoryCollection;

[Trait(Tier.Category, Tier.Slow)]
[Collection(nameof(ProcessMemoryCollection))]
public class DisposeDisciplineTests
{
    // glibc raises its mmap threshold each time a large block is freed, after which tensor-sized
    // allocations come from the heap, fragment, and RSS keeps climbing for a few hundred steps even
    // though every tensor is freed (measured: +390 MB then +210 MB over two runs of 30 R18 steps, with a
    // constant live-tensor count). Handing the free pages back (malloc_trim, NativeMemory, which the trainer
    // does once per training) before each reading makes RSS reflect what is actually held.

    [LinuxOnlyFact]
    public void FiftyTrainingStepsLeaveProcessMemoryFlat()
    {
        manual_seed(0);
        using var model = DeepLabV3Plus.Create(new ModelConfig("resnet18", 3));
        using var loss = new SegmentationLoss(new LossConfig("uniform"), ["a", "b", "c"]);
        using var optimizer = optim.AdamW(model.parameters(), lr: 1e-4, weight_decay: 0.01);
        model.train();

        void Step()
        {
            using var scope = NewDisposeScope();
            var x = randn(2, 3, 32, 32);
            var y = randint(0, 3, [2, 32, 32]);
            optimizer.zero_grad();
            loss.call(model.call(x), y).backward();
            optimizer.step();
        }

        // Warm-up: AdamW state, gradients and the allocator's caches reach their steady size here.
        for (int i = 0; i < 10; i++) Step();
        long liveBefore = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        const int StepsPerReading = 5, Readings = 11;
        var resident = new List<long> { ResidentBytes() };
        for (int reading = 1; reading < Readings; reading++)
        {
            for (int i = 0; i < StepsPerReading; i++) Step();
            resident.Add(ResidentBytes());
        }

        // Every tensor a step creates is disposed: the number of live native tensors does not change.
        Assert.Equal(liveBefore, DisposeScopeManager.Statistics.ThreadTotalLiveCount);

        // One step's activations, gradients' temporaries and AdamW's temporaries are several MB (AdamW alone touches
        // 3 x 49 MB of R18 state per step); leaking any of them adds that much in every 5-step interval alike, so the
        // median interval grows by tens of MB. What the allocator and the runtime hold is different: it settles in a few
        // intervals or swings back and forth (a CI run at the end of the whole suite measured +47.7 MB over one 25-step
        // window after -47.4 MB over the one before, with no leak), so neither a single window nor the total is a leak
        // measure. The median of the ten 5-step increments is: it must stay under 4 MB (0.8 MB per step).
        var increments = resident.Zip(resident.Skip(1), (before, after) => (after - before) / 1e6).ToArray();
        double median = increments.Order().ElementAt(increments.Length / 2);
        Assert.True(median < 4,
            $"resident memory grew by a median {median:F1} MB per {StepsPerReading} steps (increments: " +
            string.Join(", ", increments.Select(m => m.ToString("+0.0;-0.0"))) + " MB)");
    }

    private static long ResidentBytes()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        // Aggressive: the managed heap also hands its free pages back, so what the earlier tests of a whole run left
        // to the GC does not show up in one window and not the other.
        GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        DesertSeg.Lab.IO.NativeMemory.ReturnFreedMemoryToSystem();
        using var process = Process.GetCurrentProcess();
        process.Refresh();
        return process.WorkingSet64;
    }
}

/// <summary>
/// A fact that runs on Linux only, skipped elsewhere with the reason: resident memory is a meaningful
/// measure of leaks only where NativeMemory pins glibc's mmap threshold (mallopt is glibc's); elsewhere the
/// allocator keeps freed blocks and the figure would flake.
/// </summary>
public sealed class LinuxOnlyFactAttribute : FactAttribute
{
    public LinuxOnlyFactAttribute()
    {
        if (!OperatingSystem.IsLinux())
            Skip = "Process memory as a leak measure needs Linux (glibc's mallopt pins the mmap threshold); " +
                "the live-tensor count is checked everywhere.";
    }
}
