using DesertSeg.Lab.Data.Augmentation;
using DesertSeg.Lab.Data.Loading;
using DesertSeg.Lab.Models;
using static TorchSharp.torch;

namespace DesertSeg.Lab.Adaptation.Objectives;

/// <summary>
/// What the target objectives of one training step see: the student, the step's source batch, as many target images,
/// the step's own random stream, where the step stands in the training, and the mean teacher where one is kept.
/// Predictions that several objectives need are computed once per step: the teacher's logits on the clean target batch
/// and the student's.
/// All tensors live in the step's dispose scope.
/// </summary>
public sealed class TargetStep(DeepLabV3Plus student, BatchTensors source, Tensor target, SampleRandom random, StepOfTraining at,
    EmaTeacher? teacher)
{
    private Tensor? _teacherLogits;
    private Tensor? _studentLogits;

    public DeepLabV3Plus Student => student;

    /// <summary>The step's source batch (normalised images, class indices).</summary>
    public BatchTensors Source => source;

    /// <summary>Normalised target images N x 3 x H x W, as many as the source batch, same size.</summary>
    public Tensor Target => target;

    /// <summary>The step's random stream (draws of ClassMix, jitter, masks), so a resumed epoch repeats them.</summary>
    public SampleRandom Random => random;

    /// <summary>Which optimizer step of the whole training this is (for objectives with a schedule).</summary>
    public StepOfTraining At => at;

    /// <summary>
    /// The student's logits on the clean target batch (with gradient), computed once per step. As in FDA's and ADVENT's
    /// reference code the student is in train mode, so its BatchNorm running statistics also see target batches (and
    /// DACS's mixed images): part of these methods' effect, the way AdaBN's is.
    /// </summary>
    public Tensor StudentLogits
    {
        get
        {
            if (_studentLogits is not null && !_studentLogits.requires_grad)
                throw new InvalidOperationException("The student's target logits were computed without gradient earlier in this step.");
            return _studentLogits ??= student.call(target);
        }
    }

    /// <summary>
    /// The student's forward pass on the clean target batch without gradient, for an objective whose term is weighted 0 at
    /// this step: its reference code still runs the pass (and multiplies the term by 0), so BatchNorm's running statistics
    /// see the target batch just the same, and the gradient it would add is exactly 0. Skipping that backward pass changes
    /// no number and saves its time.
    /// </summary>
    public Tensor StudentLogitsWithoutGradient()
    {
        if (_studentLogits is not null) return _studentLogits;
        using (no_grad()) _studentLogits = student.call(target);
        return _studentLogits;
    }

    /// <summary>The mean teacher's logits on the clean target batch (no gradient), computed once per step.</summary>
    /// <exception cref="InvalidOperationException">No objective of the run asked for a teacher.</exception>
    public Tensor TeacherLogits
    {
        get
        {
            if (_teacherLogits is not null) return _teacherLogits;
            if (teacher is null)
                throw new InvalidOperationException("This run keeps no mean teacher: no objective declared a TeacherAlpha.");
            using (no_grad()) _teacherLogits = teacher.Model.call(target);
            return _teacherLogits;
        }
    }
}
