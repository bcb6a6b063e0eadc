namespace DesertSeg.Lab.Adaptation.Objectives;

/// <summary>Optimizer step <paramref name="Index"/> (from 0, over the whole run, resumed epochs included) of
/// <paramref name="Total"/> steps in the training.</summary>
public readonly record struct StepOfTraining(long Index, long Total)
{
    /// <summary>True once more than <paramref name="fraction"/> of the training's steps are done: the reference codes'
    /// <c>if i > switch_step</c> with <c>switch_step = fraction x total</c>.</summary>
    public bool IsPast(double fraction) => Index > fraction * Total;
}
