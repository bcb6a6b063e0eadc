using DesertSeg.Lab.Data.Augmentation;
using DesertSeg.Lab.Data.Loading;
using DesertSeg.Lab.Models;
using static TorchSharp.torch;

namespace DesertSeg.Lab.Adaptation;

/// <summary>
/// A loss on unlabelled target images added to the source loss at every training step (FDA's entropy term,
/// self-training), with whatever state it keeps between steps (a teacher) saved beside the run's state so that a
/// resumed run continues exactly.
/// </summary>
public interface ITargetObjective : IDisposable
{
    /// <summary>The extra loss of one step, in the step's dispose scope.</summary>
    /// <param name="student">The model being trained (train mode).</param>
    /// <param name="source">The step's source batch (normalised images, class indices).</param>
    /// <param name="target">Normalised target images, same size, as many as the source batch.</param>
    /// <param name="random">The step's own random stream.</param>
    Tensor Loss(DeepLabV3Plus student, BatchTensors source, Tensor target, SampleRandom random);

    /// <summary>After the optimizer step <paramref name="step"/> (counted from 0 over the whole run).</summary>
    void AfterStep(DeepLabV3Plus student, long step);

    /// <summary>Saves the state into a run's epoch-state folder (nothing when stateless).</summary>
    void Save(string folder);

    /// <summary>Loads what <see cref="Save"/> wrote, when resuming.</summary>
    void Load(string folder);
}
