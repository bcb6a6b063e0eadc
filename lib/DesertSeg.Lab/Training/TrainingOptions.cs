using static TorchSharp.torch;

namespace DesertSeg.Lab.Training;

/// <summary>How to run a training (not what to train: that is the <see cref="RunConfig"/>).</summary>
/// <param name="Device">Where to train; null picks CUDA when available, else CPU.</param>
/// <param name="Workers">Loader threads; null uses every core.</param>
/// <param name="InitCheckpoint">Checkpoint to initialise from (everything but the head), e.g. Phase 3's best for Phase 5.</param>
/// <param name="StopAfterEpochs">Stop (as if killed) once this many epochs of the run are done; for interruption tests.</param>
/// <param name="EncoderWeightsFile">torchvision-named ImageNet encoder weights (.pth or .safetensors). Null: the
/// built-in weights of the configuration's encoder where the workspace ships them (resnet18-imagenet).</param>
/// <param name="FromScratch">Allow an encoder without ImageNet weights (random initialisation; runs are labelled so).</param>
/// <param name="TargetFolder">Unlabelled target-domain images for adaptation methods; null: the embedded data set's own
/// (<see cref="Data.TargetLayout"/>).</param>
/// <param name="Transductive">Allow target images that are also test images (the run is then labelled transductive).</param>
/// <param name="KeepEpochModels">Keep every epoch's model in <c>state/</c>, not only the last one's, so that a run that differs
/// from this one only in how it selects its epoch is made from them without training (<see cref="Trainer.Reselect"/>).
/// It changes no result, so it is no part of the run's key; <see cref="PhaseRunner"/> also sets it where the catalog has
/// such a run.</param>
/// <param name="Threads">LibTorch threads while a run trains (null: as the process has them, every core). The plan's
/// executor gives each of its slots a share of the cores (<c>train --threads</c>); the count changes a run's numbers only in
/// their last digits, as another CPU does, so it is no part of the run's key.</param>
public sealed record TrainingOptions(
    Device? Device = null,
    int? Workers = null,
    string? InitCheckpoint = null,
    int? StopAfterEpochs = null,
    string? EncoderWeightsFile = null,
    bool FromScratch = false,
    string? TargetFolder = null,
    bool Transductive = false,
    bool KeepEpochModels = false,
    int? Threads = null)
{
    public Device ResolveDevice() => Device ?? (cuda.is_available() ? CUDA : CPU);
}
