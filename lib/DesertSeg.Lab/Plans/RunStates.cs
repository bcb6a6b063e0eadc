using DesertSeg.Lab.Data;
using DesertSeg.Lab.Data.Synthetic;
using DesertSeg.Lab.Studies;
using DesertSeg.Lab.Training;

namespace DesertSeg.Lab.Plans;

/// <summary>Where a planned run stands in a runs folder.</summary>
public enum RunStanding { Finished, Interrupted, Failed, Missing, WaitsForParent, DataNotGenerated, NeedsEncoderWeights, CannotStart }

/// <summary>A planned run as it stands here: its folder (null until the run it starts from is finished: the folder's key
/// names that run's checkpoint), its standing, and its cost.</summary>
/// <param name="EpochsDone">Complete epochs of an interrupted or failed run.</param>
/// <param name="Steps">Optimizer steps of the whole training (epochs x steps per epoch).</param>
/// <param name="Device">What it trains on: "cuda" at full scale, else "cpu".</param>
/// <param name="Note">Why it failed, and the log of the job that ran it, where a cluster job left one.</param>
public sealed record PlannedRunState(PlannedRun Run, RunConfig Config, string? Folder, RunStanding Standing, int? EpochsDone, long Steps,
    string Device, string? Note = null)
{
    public string Describe() => Standing switch
    {
        RunStanding.Finished => "finished",
        RunStanding.Interrupted => $"interrupted after {EpochsDone ?? 0} of {Config.Epochs} epochs (resumes)",
        RunStanding.Failed => $"failed{(EpochsDone is { } e ? $" after {e} epochs" : "")}{(Note is null ? "" : ": " + Note)}",
        RunStanding.WaitsForParent => "waits for its parent",
        RunStanding.DataNotGenerated => "missing (its data set is generated first)",
        RunStanding.NeedsEncoderWeights => "cannot start: no ImageNet encoder weights (--encoder-weights FILE)",
        RunStanding.CannotStart => $"cannot start: {Note}",
        _ => "missing",
    };
}

/// <summary>
/// The state of every run of a plan in a runs folder, found without training or generating anything: a run's folder is
/// looked up as training would bind it (<see cref="PhaseRunner.Locate"/>).
/// </summary>
public static class RunStates
{
    /// <summary>The file a cluster job leaves in the run folder it failed on: the reason and the job's log.</summary>
    public const string FailureFile = "failed-job.txt";

    public static IReadOnlyList<PlannedRunState> Of(ExperimentPlan plan, FalconDataset data, RunStore store, TrainingOptions options)
    {
        var runners = new Dictionary<string, PhaseRunner?>();
        PhaseRunner? RunnerFor(PlannedRun run)
        {
            string root = run.Environments == 1 ? data.Root
                : AdaptationStudy.EnvironmentRoot(data.Root, run.Environments, run.HeldOut, run.Seed);
            if (runners.TryGetValue(root, out var known)) return known;
            bool generated = run.Environments == 1 || SyntheticFalconWriter.ReadManifest(root) is not null;
            return runners[root] = generated ? new PhaseRunner(store, run.Environments == 1 ? data : FalconDataset.Open(root), options) : null;
        }
        return plan.Runs.Select(run =>
        {
            var config = run.Config(plan.Scale);
            long steps = (long)config.Epochs * StepsPerEpoch(config, data);
            string device = plan.Scale == "full" ? "cuda" : "cpu";
            if (RunnerFor(run) is not { } runner) return new PlannedRunState(run, config, null, RunStanding.DataNotGenerated, null, steps, device);
            try
            {
                runner.EncoderWeightsFileFor(config);
            }
            catch (MissingEncoderWeightsException)
            {
                return new PlannedRunState(run, config, null, RunStanding.NeedsEncoderWeights, null, steps, device);
            }
            RunDirectory? located;
            try
            {
                located = runner.Locate(config);
            }
            catch (Exception e) when (e is DataFormatException or ArgumentException or IOException)
            {
                // E.g. a run that reads unlabelled target images where the data set has none: training would stop the same way.
                return new PlannedRunState(run, config, null, RunStanding.CannotStart, null, steps, device, e.Message);
            }
            if (located is not { } folder) return new PlannedRunState(run, config, null, RunStanding.WaitsForParent, null, steps, device);
            var status = folder.Exists ? folder.ReadStatus() : null;
            string? note = File.Exists(Path.Combine(folder.Path, FailureFile))
                ? File.ReadAllText(Path.Combine(folder.Path, FailureFile)).Trim().ReplaceLineEndings("; ")
                : status?.State == Training.RunState.Failed ? status.Message : null;
            int? epochs = status is { EpochsDone: > 0 } ? status.EpochsDone : folder.Exists ? folder.LatestStateEpoch() : null;
            var standing = status?.State switch
            {
                Training.RunState.Finished => RunStanding.Finished,
                Training.RunState.Failed => RunStanding.Failed,
                _ when note is not null => RunStanding.Failed,
                _ when epochs is not null => RunStanding.Interrupted,
                _ => RunStanding.Missing,
            };
            return new PlannedRunState(run, config, folder.Path, standing, epochs, steps, device, standing == RunStanding.Failed ? note : null);
        }).ToList();
    }

    /// <summary>Steps per epoch: the training images the configuration uses over its batch size.</summary>
    public static long StepsPerEpoch(RunConfig config, FalconDataset data)
    {
        int images = config.TrainImages ?? data[FalconLayout.Train].Count;
        return (images + config.BatchSize - 1) / config.BatchSize;
    }
}
