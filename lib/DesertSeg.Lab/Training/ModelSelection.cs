namespace DesertSeg.Lab.Training;

/// <summary>Which split picks the "best" checkpoint.</summary>
public enum ModelSelection
{
    /// <summary>The validation split (the workspace's default: no test data in training decisions).</summary>
    Validation,

    /// <summary>
    /// The original's behaviour, for comparison only: the test split, every few epochs, with early
    /// stopping. It leaks test data into model selection; runs made this way are labelled so.
    /// </summary>
    TestLeak,

    /// <summary>
    /// The estimated mIoU on the run's unlabelled target images (<see cref="Estimation.LabelFreeEstimators"/>, fitted on
    /// validation each epoch): selection for the domain the model will be used in, without its labels.
    /// </summary>
    TargetEstimate,
}

/// <summary>
/// Decides after each epoch whether the model is the best so far and whether the run stops early. It reads
/// everything from the history, so a resumed run decides exactly as an uninterrupted one.
/// </summary>
public sealed class ModelSelector(RunConfig config)
{
    /// <summary>Whether epoch <paramref name="epoch"/> scores the test split: when selecting on it, or when the run records
    /// test scores for a comparison of selections (<see cref="RunConfig.RecordTest"/>; never used to select then).</summary>
    public bool ScoresTestAfter(int epoch) => config.RecordTest ||
        config.Selection == ModelSelection.TestLeak && (epoch + 1) % config.TestLeakEvery == 0;

    /// <summary>Whether a new epoch with these scores beats every earlier one.</summary>
    public bool IsBest(IReadOnlyList<EpochRecord> earlier, double valMeanIoU, double? testMeanIoU, double? targetEstimate = null)
    {
        if (config.Selection == ModelSelection.TargetEstimate)
        {
            if (targetEstimate is not { } estimate)
                throw new InvalidOperationException("Selection on the target estimate needs the epoch's estimate.");
            return earlier.Count == 0 || estimate > earlier.Max(h => h.TargetEstimate ?? double.NegativeInfinity);
        }
        if (config.Selection == ModelSelection.TestLeak)
        {
            if (testMeanIoU is not { } test) return false;
            var tested = earlier.Where(h => h.TestMeanIoU is not null).ToList();
            return tested.Count == 0 || test > tested.Max(h => h.TestMeanIoU!.Value);
        }
        return earlier.Count == 0 || valMeanIoU > earlier.Max(h => h.ValMeanIoU);
    }

    /// <summary>Whether the run ends after the last epoch of <paramref name="history"/>: the schedule is done, or
    /// (test selection) the last <see cref="RunConfig.TestLeakPatience"/> test checks brought no gain.</summary>
    public bool Stops(IReadOnlyList<EpochRecord> history)
    {
        if (history.Count > 0 && history[^1].Epoch >= config.Epochs - 1) return true;
        if (config.Selection != ModelSelection.TestLeak) return false;
        int checksWithoutGain = 0;
        foreach (var r in history.Where(h => h.TestMeanIoU is not null))
            checksWithoutGain = r.Best ? 0 : checksWithoutGain + 1;
        return checksWithoutGain >= config.TestLeakPatience;
    }

    /// <summary>What status.json says the selection was made on.</summary>
    public string Label => config.Selection switch
    {
        ModelSelection.TestLeak => "test (leaks test data; original behaviour)",
        ModelSelection.TargetEstimate =>
            $"estimated target mIoU ({config.SelectionEstimator ?? Estimation.LabelFreeEstimators.Default}, no target labels)",
        _ => "validation",
    };
}
