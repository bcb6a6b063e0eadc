namespace DesertSeg.Lab.Training;

/// <summary>One epoch of a run's history: losses, validation scores, learning rates, selection and speed.</summary>
/// <param name="TestMeanIoU">Test mIoU at the model's input size, when the run scores test (test selection, or recorded for
/// a comparison of selections).</param>
/// <param name="TargetEstimate">The estimated mIoU on the run's unlabelled target images, when it selects on it.</param>
public sealed record EpochRecord(
    int Epoch,
    double TrainLoss,
    double TrainCrossEntropy,
    double TrainDice,
    double ValLoss,
    double ValMeanIoU,
    double ValPixelAccuracy,
    IReadOnlyList<double?> ValClassIoU,
    double? TestMeanIoU,
    double EncoderLr,
    double DecoderLr,
    double HeadLr,
    bool EncoderFrozen,
    bool Best,
    double Seconds,
    double ImagesPerSecond,
    double? TargetEstimate = null)
{
    /// <summary>The record without its timings: what must match between an interrupted-and-resumed run and an uninterrupted one.</summary>
    public EpochRecord WithoutTimings() => this with { Seconds = 0, ImagesPerSecond = 0 };
}

/// <summary>A run's state on disk, rewritten after every epoch.</summary>
/// <remarks>Interrupted: stopped on purpose (a notebook's stop button, Ctrl+C) after its last complete epoch; it resumes.</remarks>
public enum RunState { Running, Finished, Failed, Interrupted }

/// <summary>The summary a run folder keeps in status.json.</summary>
public sealed record RunStatus(
    RunState State,
    int EpochsDone,
    int Epochs,
    int? BestEpoch,
    double? BestValMeanIoU,
    string ModelSelection,
    string? Message,
    DateTimeOffset Updated);
