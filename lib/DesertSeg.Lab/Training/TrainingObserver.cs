namespace DesertSeg.Lab.Training;

/// <summary>Where a run stands after a training step.</summary>
public sealed record TrainingProgress(int Epoch, int Epochs, int Step, int StepsPerEpoch, double Loss, double ImagesPerSecond,
    TimeSpan Elapsed);

/// <summary>Receives a run's progress (the CLI draws progress bars with it; notebooks print epoch lines).</summary>
public interface ITrainingObserver
{
    void RunStarted(RunDirectory run, RunConfig config, int startEpoch, int stepsPerEpoch) { }
    /// <summary>The run is made from <paramref name="source"/>'s kept epochs instead of trained (<see cref="Trainer.Reselect"/>);
    /// its epochs follow as <see cref="EpochCompleted"/>.</summary>
    void RunReselected(RunDirectory run, RunConfig config, RunDirectory source) { }
    /// <summary>Another process holds the run's lock (it is training the same run); told once before waiting for it.</summary>
    void WaitingForRun(RunDirectory run, string message) { }
    void StepCompleted(TrainingProgress progress) { }
    void EpochCompleted(EpochRecord record) { }
}

/// <summary>An observer that prints one line per epoch to a writer.</summary>
public sealed class EpochLineObserver(TextWriter writer) : ITrainingObserver
{
    public void RunStarted(RunDirectory run, RunConfig config, int startEpoch, int stepsPerEpoch)
    {
        writer.WriteLine($"{config.Name}: {config.Description}; {config.Model.Encoder}, {config.Height}x{config.Width}, " +
                         $"{config.Epochs} epochs from epoch {startEpoch}, {stepsPerEpoch} steps/epoch -> {run.Path}");
        if (startEpoch > 0 && run.ResumeNote() is { } note) writer.WriteLine($"{config.Name}: {note}.");
    }

    public void RunReselected(RunDirectory run, RunConfig config, RunDirectory source) =>
        writer.WriteLine(ReselectedLine(run, config, source));

    public void WaitingForRun(RunDirectory run, string message) => writer.WriteLine(message + ".");

    /// <summary>What a run made from another's kept epochs is, in one line.</summary>
    public static string ReselectedLine(RunDirectory run, RunConfig config, RunDirectory source) =>
        $"{config.Name}: {config.Description}; the training of {source.Name} (every epoch's model kept), " +
        $"its epoch chosen again on {new ModelSelector(config).Label} -> {run.Path}";

    public void EpochCompleted(EpochRecord r) => writer.WriteLine(EpochLine(r));

    /// <summary>The one-line summary of an epoch.</summary>
    public static string EpochLine(EpochRecord r) =>
        $"epoch {r.Epoch,3}: train loss {r.TrainLoss:F4}  val loss {r.ValLoss:F4}  val mIoU {r.ValMeanIoU:F4}" +
        (r.TargetEstimate is { } e ? $"  est. target mIoU {e:F4}" : "") +
        (r.TestMeanIoU is { } t ? $"  TEST mIoU {t:F4}" : "") +
        $"  lr {r.EncoderLr:0.##E+0}/{r.DecoderLr:0.##E+0}/{r.HeadLr:0.##E+0}{(r.EncoderFrozen ? " (encoder frozen)" : "")}" +
        $"  {r.Seconds:F0}s {r.ImagesPerSecond:F1} img/s{(r.Best ? "  *best" : "")}";
}
