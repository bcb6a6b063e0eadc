using Microsoft.Data.Analysis;

namespace DesertSeg.Lab.Training;

/// <summary>One way of choosing a run's epoch, and what the epoch it chose scores on test.</summary>
/// <param name="Leaky">True when the choice read test labels (the report's selection).</param>
public sealed record SelectedEpoch(string Selection, bool Leaky, int Epoch, double TestMeanIoU);

/// <summary>
/// Three selections of one run's epoch side by side, from a history that recorded test scores
/// (<see cref="RunConfig.RecordTest"/>): validation mIoU, the estimated target mIoU (no target labels), and test mIoU (the
/// report's, leaky: an upper bound no honest selection can use). Each one keeps the first epoch that reached its maximum,
/// as the trainer does.
/// </summary>
public static class SelectionComparison
{
    public static IReadOnlyList<SelectedEpoch> Of(IReadOnlyList<EpochRecord> history)
    {
        if (history.Count == 0 || history.Any(h => h.TestMeanIoU is null))
            throw new ArgumentException("Comparing selections needs a test score for every epoch (a run with RecordTest).");
        var chosen = new List<SelectedEpoch> { Pick("validation", false, history, h => h.ValMeanIoU) };
        if (history.All(h => h.TargetEstimate is not null))
            chosen.Add(Pick("target estimate (no target labels)", false, history, h => h.TargetEstimate!.Value));
        chosen.Add(Pick("test (leaky)", true, history, h => h.TestMeanIoU!.Value));
        return chosen;
    }

    private static SelectedEpoch Pick(string selection, bool leaky, IReadOnlyList<EpochRecord> history, Func<EpochRecord, double> score)
    {
        var best = history.Aggregate((a, b) => score(b) > score(a) ? b : a);
        return new SelectedEpoch(selection, leaky, best.Epoch, best.TestMeanIoU!.Value);
    }

    public static DataFrame Table(IReadOnlyList<SelectedEpoch> selections) => new(
        new StringDataFrameColumn("Selection", selections.Select(s => s.Selection)),
        new PrimitiveDataFrameColumn<int>("Epoch", selections.Select(s => s.Epoch + 1)),
        new PrimitiveDataFrameColumn<double>("Test mIoU", selections.Select(s => Math.Round(s.TestMeanIoU, 4))));
}
