namespace DesertSeg.Lab.Training;

/// <summary>
/// A named run built from Phase 5's configuration at a scale by one change: an ablation of the report (Tables 2 and 9)
/// or a domain-adaptation run. Recipes are data: the catalog lists them, <c>train --phase NAME</c> finds them by name.
/// </summary>
/// <param name="Name">The catalog name ("5-ohem", "5-self-training").</param>
/// <param name="Description">What the run is, in words (not part of its key).</param>
/// <param name="FromPhase5">The change, applied to Phase 5's configuration at the run's scale.</param>
/// <param name="SelectsOnly">The change is only in how the epoch is chosen and what is recorded beside it
/// (<see cref="RunConfig.WithValidationSelection"/>): Phase 5 then keeps every epoch's model and the run is made from them
/// (<see cref="Trainer.Reselect"/>) instead of training Phase 5 again.</param>
public sealed record PhaseRecipe(string Name, string Description, Func<RunConfig, RunConfig> FromPhase5, bool SelectsOnly = false)
{
    public RunConfig Build(RunConfig phase5) => FromPhase5(phase5) with { Phase = Name, Description = Description };
}
