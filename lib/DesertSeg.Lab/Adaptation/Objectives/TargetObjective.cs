using System.Text.Json.Serialization;
using static TorchSharp.torch;

namespace DesertSeg.Lab.Adaptation.Objectives;

/// <summary>
/// The configuration of one loss on unlabelled target images, added to the source loss at every training step. A run
/// lists any number of them (<see cref="Training.RunConfig.Objectives"/>) and the trainer sums them
/// (<see cref="TargetObjectives"/>); combinations that cannot work are refused by <see cref="TargetObjectives.Validate"/>.
/// Stored in a run's configuration, "type" naming the record.
/// <para>A new training-time method is one file holding its record (deriving from this) and its
/// <see cref="ITargetObjective"/>, plus one <see cref="JsonDerivedTypeAttribute"/> line below.</para>
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(FdaEntropy), "FdaEntropy")]
[JsonDerivedType(typeof(MinimumEntropy), "MinEnt")]
[JsonDerivedType(typeof(SelfTraining), "SelfTraining")]
[JsonDerivedType(typeof(MaskedImageConsistency), "MIC")]
public abstract record TargetObjectiveConfig
{
    /// <summary>Short name for run descriptions and error messages.</summary>
    [JsonIgnore]
    public abstract string Label { get; }

    /// <summary>
    /// The EMA momentum of the mean teacher this objective learns from, or null when it needs none. Objectives that
    /// need a teacher share one (see <see cref="TargetStep.TeacherLogits"/>), so they must agree on its momentum.
    /// </summary>
    [JsonIgnore]
    public virtual double? TeacherAlpha => null;

    /// <summary>
    /// Objectives of the same family do the same thing to the same predictions (two entropy penalties, say); a run may
    /// hold one of each family. Null: the objective's own type is its family.
    /// </summary>
    [JsonIgnore]
    public virtual string? Family => null;

    /// <summary>The objective that computes this record's loss.</summary>
    public abstract ITargetObjective Create();
}

/// <summary>A loss on the target images of one step; state across steps (a teacher) lives in <see cref="TargetObjectives"/>.</summary>
public interface ITargetObjective
{
    /// <summary>The objective's loss for one step, weighted, in the step's dispose scope.</summary>
    Tensor Loss(TargetStep step);
}
