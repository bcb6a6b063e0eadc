using DesertSeg.Lab.Data.Synthetic;
using DesertSeg.Lab.Studies;
using DesertSeg.Lab.Tests.Training;
using DesertSeg.Lab.Training;

namespace DesertSeg.Lab.Tests.Studies;

[Collection(TrainingCollection.Name)]
public class TrainingPlanTests(TrainingFixture fixture)
{
    [Fact]
    public void ThePlan_IsTheReportsPhasesThenEveryLabLinesRuns_EachOnce()
    {
        using var study = new Study(fixture.Data, "quick", new RunStore(fixture.NewRunsFolder()));
        using var lab = new AdaptationStudy(study);

        var plan = TrainingPlan.Of(lab, adaptation: true);

        Assert.Equal(ReportWriter.Phases, plan.Take(ReportWriter.Phases.Length).Select(r => r.Phase));
        Assert.Equal(plan.Count, plan.Distinct().Count());
        // What each line of the lab trains, read from the line-up itself rather than from Trains.
        Assert.Contains(new PlannedRun("5-fda-b09"), plan);
        Assert.Contains(new PlannedRun("5-style"), plan);
        Assert.Contains(new PlannedRun("5-self-training"), plan);
        Assert.Contains(new PlannedRun("5-oracle"), plan);
        Assert.Contains(new PlannedRun("5", AdaptationMethods.Environments, AdaptationMethods.DiversityHeldOut), plan);
        Assert.Contains(new PlannedRun("5", AdaptationMethods.Environments, HeldOutFactors.None), plan);
        Assert.DoesNotContain(new PlannedRun("5-mic"), plan); // not in the line-up
        Assert.Equal(ReportWriter.Phases, TrainingPlan.Of(lab, adaptation: false).Select(r => r.Phase));
    }

    [Fact]
    public void TheSecondLane_TakesOtherDataSetsFirst_ThenThePlanFromItsEnd_AndNeverARunThatOnlyReselects()
    {
        var plan = new PlannedRun[]
        {
            new("3"), new("5"), new("5-select-estimate"), new("5-fda"), new("5", 4, HeldOutFactors.TestRockStyle), new("5-oracle"),
            new("5", 4),
        };

        var lane = SecondLane.Order(plan);

        Assert.Equal(
            [new("5", 4, HeldOutFactors.TestRockStyle), new("5", 4), new("5-oracle"), new("5-fda"), new("5"), new PlannedRun("3")],
            lane);
    }
}
