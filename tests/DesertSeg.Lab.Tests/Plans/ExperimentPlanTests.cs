using DesertSeg.Lab.Data.Synthetic;
using DesertSeg.Lab.Plans;
using DesertSeg.Lab.Studies;
using DesertSeg.Lab.Tests.Training;
using DesertSeg.Lab.Training;

namespace DesertSeg.Lab.Tests.Plans;

[Collection(TrainingCollection.Name)]
public class ExperimentPlanTests(TrainingFixture fixture)
{
    /// <summary>The plan is what the report and the lab read, parents first, each run once, once per seed.</summary>
    [Fact]
    public void ThePlan_IsWhatTheReportAndTheLabRead_ParentsFirst_OncePerSeed()
    {
        using var study = new Study(fixture.Data, "quick", new RunStore(fixture.NewRunsFolder()));

        var plan = ExperimentPlan.Of("quick", ReportWriter.Needs(study, adaptation: true), [42, 43]);

        Assert.Equal(plan.Runs.Count, plan.Runs.Distinct().Count());
        foreach (int seed in new[] { 42, 43 })
        {
            // Every phase of the report's tables, and what each line of the lab reads, read from the line-up itself.
            Assert.All(ReportWriter.Phases, p => Assert.Contains(new PlannedRun(p, Seed: seed), plan.Runs));
            Assert.Contains(new PlannedRun("5-fda-b09", Seed: seed), plan.Runs);
            Assert.Contains(new PlannedRun("5-self-training", Seed: seed), plan.Runs);
            Assert.Contains(new PlannedRun("5-oracle", Seed: seed), plan.Runs);
            Assert.Contains(new PlannedRun("5", LabLines.Environments, LabLines.DiversityHeldOut, seed), plan.Runs);
            // Its parent, on its own data set: K environments' Phase 3.
            Assert.Contains(new PlannedRun("3", LabLines.Environments, LabLines.DiversityHeldOut, seed), plan.Runs);
        }
        Assert.DoesNotContain(plan.Runs, r => r.Phase == "5-mic"); // not in the line-up
        // Parents first: each run comes after every run it waits for.
        var order = plan.Runs.ToList();
        Assert.All(order, r => Assert.All(plan.ParentsOf(r), p => Assert.True(order.IndexOf(p) < order.IndexOf(r), $"{r.Id} before {p.Id}")));
        Assert.Equal([new PlannedRun("3", Seed: 43), new PlannedRun("5", Seed: 43)],
            plan.ParentsOf(new PlannedRun("5-select-estimate", Seed: 43)));

        var reportOnly = ExperimentPlan.Of("quick", ReportWriter.Needs(study, adaptation: false));
        Assert.Equal(ReportWriter.Phases.Order(), reportOnly.Runs.Select(r => r.Phase).Order());
    }

    [Fact]
    public void ARunsId_AndItsTrainArguments_SayWhichRunItIs()
    {
        var run = new PlannedRun("5", 4, HeldOutFactors.TestRockStyle | HeldOutFactors.TestPalette, 43);

        Assert.Equal("5-k4-without-test-rock-style+test-palette-s43", run.Id);
        Assert.Equal(["--phase", "5", "--seed", "43", "--environments", "4", "--held-out", "test-rock-style+test-palette"],
            run.TrainArguments());
        Assert.Equal(run.HeldOut, PlannedRun.ParseHeldOut("test-rock-style+test-palette"));
        Assert.Equal(HeldOutFactors.TestPalette, PlannedRun.ParseHeldOut("TestPalette"));
        Assert.Contains("test-rock-style", Assert.Throws<ArgumentException>(() => PlannedRun.ParseHeldOut("rocks")).Message);
        Assert.Equal([42, 43, 44], ExperimentPlan.ParseSeeds("42, 43,44,43"));
        Assert.Contains("'x'", Assert.Throws<ArgumentException>(() => ExperimentPlan.ParseSeeds("42,x")).Message);
    }

    /// <summary>The longest chain from a run counts its own cost and its heaviest line of descendants.</summary>
    [Fact]
    public void LongestChain_AddsARunsCostToItsHeaviestDescendants()
    {
        var plan = ExperimentPlan.Of("quick", [new PlannedRun("5-ohem"), new PlannedRun("5-select-estimate")]);

        var chain = plan.LongestChain(r => r.Phase switch { "3" => 10, "5" => 5, "5-ohem" => 7, _ => 1 });

        Assert.Equal([new PlannedRun("3"), new PlannedRun("5-ohem"), new PlannedRun("5"), new PlannedRun("5-select-estimate")], plan.Runs);
        Assert.Equal(17, chain[new PlannedRun("3")]); // 3 -> 5-ohem (7) beats 3 -> 5 -> 5-select-estimate (6)
        Assert.Equal(6, chain[new PlannedRun("5")]);
    }
}
