using DesertSeg.Lab.Adaptation;
using DesertSeg.Lab.Data;
using DesertSeg.Lab.Data.Synthetic;
using DesertSeg.Lab.Plans;

namespace DesertSeg.Lab.Studies;

/// <summary>What a line of the domain-adaptation lab is: the two fixed points (source-only, oracle) and the kinds of method between
/// them: adapting at test time, training with unlabelled target images (adaptation), training without any target image
/// (generalisation: multi-environment data, RandConv, MixStyle, ...), and ensembles.</summary>
public enum LineKind { Source, TestTime, Training, Ensemble, Oracle, Generalisation }

/// <summary>
/// A line of the domain-adaptation lab: its label, its kind, and how its model is made (<see cref="Produce"/>).
/// The lab's methods are one list, <see cref="LabLines.All"/>.
/// </summary>
public abstract record LabLine(string Label, LineKind Kind)
{
    /// <summary>In the lab's line-up (reproduce, notebook 11); false for methods you ask for by label.</summary>
    public bool InLineUp { get; init; } = true;

    /// <summary>In the smoke line-up too (a check of every code path in the test suite); false for lines that exercise
    /// nothing the others do not.</summary>
    public bool AtSmoke { get; init; } = true;

    /// <summary>Whether this data set allows the method (the oracle needs labelled target scenes, say).</summary>
    public virtual bool AvailableIn(AdaptationStudy lab) =>
        Kind != LineKind.Oracle || Directory.Exists(TargetLayout.OracleFolder(lab.Study.Data.Root));

    /// <summary>Trains or adapts what the line needs (reusing finished work) and scores it on test.</summary>
    public abstract AdaptationResult Produce(AdaptationStudy lab);

    /// <summary>The runs <see cref="Produce"/> reads (their parents aside): what the line declares to the plan
    /// (<see cref="ReportWriter.Needs"/>).</summary>
    public abstract IEnumerable<PlannedRun> Trains { get; }

    /// <summary>The kind as tables print it.</summary>
    public static string KindLabel(LineKind kind) => kind switch
    {
        LineKind.Source => "source",
        LineKind.TestTime => "test-time",
        LineKind.Training => "training",
        LineKind.Ensemble => "ensemble",
        LineKind.Oracle => "oracle",
        LineKind.Generalisation => "generalisation",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown method kind"),
    };
}

/// <summary>A run of the study (a catalog name or one added with <see cref="Study.Add"/>) as a line.</summary>
public sealed record RunLine(string Label, LineKind Kind, string Phase) : LabLine(Label, Kind)
{
    public override AdaptationResult Produce(AdaptationStudy lab) => lab.Run(Label, Kind, Phase);
    public override IEnumerable<PlannedRun> Trains => [new(Phase)];
}

/// <summary>A run's best checkpoint adapted by a test-time method.</summary>
public sealed record TestTimeLine(string Label, string Phase, TestTimeMethod Method) : LabLine(Label, LineKind.TestTime)
{
    public override AdaptationResult Produce(AdaptationStudy lab) => lab.TestTime(Label, Phase, Method);
    public override IEnumerable<PlannedRun> Trains => [new(Phase)];
}

/// <summary>A run's best checkpoint scored on the test stream while a test-time method adapts it online (TENT).</summary>
public sealed record OnlineTestTimeLine(string Label, string Phase, OnlineTentConfig Config) : LabLine(Label, LineKind.TestTime)
{
    public override AdaptationResult Produce(AdaptationStudy lab) => lab.OnlineTent(Label, Phase, Config);
    public override IEnumerable<PlannedRun> Trains => [new(Phase)];
}

/// <summary>The probability average of several runs' best checkpoints.</summary>
public sealed record EnsembleLine(string Label, IReadOnlyList<string> Phases) : LabLine(Label, LineKind.Ensemble)
{
    public override AdaptationResult Produce(AdaptationStudy lab) => lab.Ensemble(Label, Phases);
    public override IEnumerable<PlannedRun> Trains => Phases.Select(p => new PlannedRun(p));
}

/// <summary>A phase trained on scenes from K training deserts (same number of images), scored on the same test scenes;
/// the randomised deserts never show <paramref name="HeldOut"/>.</summary>
public sealed record MultiEnvironmentLine(string Label, int Environments, string Phase, HeldOutFactors HeldOut)
    : LabLine(Label, LineKind.Generalisation)
{
    public override bool AvailableIn(AdaptationStudy lab) => SyntheticFalconWriter.ReadManifest(lab.Study.Data.Root) is not null;

    public override AdaptationResult Produce(AdaptationStudy lab) => lab.MultiEnvironment(Label, Environments, Phase, HeldOut);
    public override IEnumerable<PlannedRun> Trains => [new(Phase, Environments, HeldOut)];
}

/// <summary>
/// The lab's methods, in table order: one record each. A new line is one entry here (its run, if it trains, is a
/// <see cref="AdaptationRuns"/> entry).
/// </summary>
public static class LabLines
{
    /// <summary>The number of training environments of the multi-environment lines.</summary>
    public const int Environments = 4;

    /// <summary>What the diversity result keeps out of its randomised deserts: the test desert's kind of rocks.</summary>
    public const HeldOutFactors DiversityHeldOut = HeldOutFactors.TestRockStyle;

    public static readonly IReadOnlyList<LabLine> All =
    [
        new RunLine("Source only", LineKind.Source, "5"),
        new TestTimeLine("AdaBN", "5", new AdaBnConfig()),
        new OnlineTestTimeLine("TENT", "5", new OnlineTentConfig()),
        new RunLine("FDA beta 0.01", LineKind.Training, "5-fda"),
        new RunLine("FDA beta 0.05", LineKind.Training, "5-fda-b05") { AtSmoke = false },
        new RunLine("FDA beta 0.09", LineKind.Training, "5-fda-b09") { AtSmoke = false },
        new EnsembleLine("FDA multi-band ensemble", ["5-fda", "5-fda-b05", "5-fda-b09"]) { AtSmoke = false },
        // At smoke scale notebook 11's own combination trains a colour-statistics style.
        new RunLine("Colour-statistics style", LineKind.Training, "5-style") { AtSmoke = false },
        new RunLine("MinEnt", LineKind.Training, "5-minent") { InLineUp = false },
        new RunLine("Self-training (DACS)", LineKind.Training, "5-self-training"),
        // Not in the line-up: at quick scale it scored below plain self-training and costs a training of its own.
        new RunLine("Self-training + MIC", LineKind.Training, "5-mic") { InLineUp = false },
        // At smoke scale the AdaBN line already checks this path.
        new TestTimeLine("Self-training + AdaBN", "5-self-training", new AdaBnConfig()) { AtSmoke = false },
        // At smoke scale the ensemble tests check this path.
        new EnsembleLine("Ensemble: self-training, FDA, style", ["5-self-training", "5-fda", "5-style"]) { AtSmoke = false },
        // Diversity: the randomised deserts never show the test desert's kind of rocks.
        new MultiEnvironmentLine($"Multi-environment K={Environments}, test rock style held out", Environments, "5", DiversityHeldOut),
        // Coverage: half the randomised deserts have layered sandstone like the test's; not a generalisation result.
        new MultiEnvironmentLine($"Multi-environment K={Environments} (coverage: test rock style in training)", Environments, "5",
            HeldOutFactors.None) { AtSmoke = false },
        new MultiEnvironmentLine($"Multi-environment K={Environments} + self-training, test rock style held out", Environments,
            "5-self-training", DiversityHeldOut) { InLineUp = false },
        new RunLine("Oracle", LineKind.Oracle, "5-oracle"),
        // Domain generalisation (issue 31): one ingredient each, no target image; measured over three seeds by the
        // `generalisation` benchmark and notebook 11, not in the main job (none beat its seed noise: docs/lab.md).
        .. Generalisation.Select(g => new RunLine(g.Label, LineKind.Generalisation, g.Phase) { InLineUp = false }),
        .. Generalisation.Select(g => new MultiEnvironmentLine(
            $"Multi-environment K={Environments} + {g.Label}, test rock style held out", Environments, g.Phase, DiversityHeldOut)
            { InLineUp = false }),
        new MultiEnvironmentLine($"Multi-environment K={Environments}, test palette held out", Environments, "5",
            HeldOutFactors.TestPalette) { InLineUp = false },
        .. Generalisation.Select(g => new MultiEnvironmentLine(
            $"Multi-environment K={Environments} + {g.Label}, test palette held out", Environments, g.Phase, HeldOutFactors.TestPalette)
            { InLineUp = false }),
    ];

    /// <summary>The domain-generalisation ingredients' lines: label and run (<see cref="Lab.Generalisation.GeneralisationRuns"/>).</summary>
    public static IReadOnlyList<(string Label, string Phase)> Generalisation =>
    [
        ("RandConv", "5-randconv"),
        ("Amplitude mix", "5-ampmix"),
        ("MixStyle", "5-mixstyle"),
        ("DSU", "5-dsu"),
    ];

    /// <summary>The line-up at a scale, in table order.</summary>
    public static IReadOnlyList<LabLine> LineUp(string scale) =>
        All.Where(m => m.InLineUp && (scale != "smoke" || m.AtSmoke)).ToList();

    /// <summary>The method with that label.</summary>
    /// <exception cref="ArgumentException">An unknown label: the message lists the known ones.</exception>
    public static LabLine ByLabel(string label) =>
        All.FirstOrDefault(m => m.Label == label)
        ?? throw new ArgumentException($"Unknown adaptation method '{label}'. Methods: {string.Join(", ", All.Select(m => m.Label))}.");
}
