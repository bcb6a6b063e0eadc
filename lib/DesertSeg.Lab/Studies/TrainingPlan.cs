using DesertSeg.Lab.Data.Synthetic;

namespace DesertSeg.Lab.Studies;

/// <summary>A run the main job trains: a phase of the study, or of its study on K training environments.</summary>
/// <param name="Environments">1: the study's own data set; K: <see cref="AdaptationStudy.EnvironmentStudy"/>.</param>
public sealed record PlannedRun(string Phase, int Environments = 1, HeldOutFactors HeldOut = HeldOutFactors.None)
{
    /// <summary>The study whose run this is.</summary>
    public Study StudyIn(AdaptationStudy lab) => lab.EnvironmentStudy(Environments, HeldOut);

    public override string ToString() =>
        Environments == 1 ? Phase : $"{Phase} on K={Environments}{(HeldOut == HeldOutFactors.None ? "" : $" without {HeldOut}")}";
}

/// <summary>
/// Every run <see cref="ReportWriter"/> trains, in the order it asks for them: the report's phases, then each line of the
/// domain-adaptation lab. One list for the job and for its second lane (<see cref="SecondLane"/>), so that the lane trains
/// nothing the job does not need.
/// </summary>
public static class TrainingPlan
{
    public static IReadOnlyList<PlannedRun> Of(AdaptationStudy lab, bool adaptation) =>
        ReportWriter.Phases.Select(p => new PlannedRun(p))
            .Concat(adaptation ? lab.AvailableMethods.SelectMany(m => m.Trains) : [])
            .Distinct()
            .ToList();
}
