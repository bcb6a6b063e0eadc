using DesertSeg.Lab.Data.Synthetic;
using DesertSeg.Lab.Training;

namespace DesertSeg.Lab.Plans;

/// <summary>
/// One training of the plan: a catalog recipe (<see cref="PhaseCatalog"/>: a report phase, a variant, a domain-adaptation
/// run, the oracle) at a training seed, on the study's own data set or on the synthetic data set of K training deserts
/// that never show <see cref="HeldOut"/>.
/// </summary>
/// <param name="Environments">1: the data set itself; K: its K-environment sibling (<see cref="Studies.AdaptationStudy.EnvironmentStudy"/>).</param>
public sealed record PlannedRun(string Phase, int Environments = 1, HeldOutFactors HeldOut = HeldOutFactors.None,
    int Seed = PhaseCatalog.DefaultSeed)
{
    /// <summary>A name unique in a plan that is also a file name and a Slurm job name: "5-ohem-s42", "5-k4-without-test-rock-style-s43".</summary>
    public string Id => Phase
        + (Environments == 1 ? "" : $"-k{Environments}")
        + (HeldOut == HeldOutFactors.None ? "" : "-without-" + HeldOutName(HeldOut))
        + $"-s{Seed}";

    /// <summary>The configuration at <paramref name="scale"/>, at this run's seed.</summary>
    public RunConfig Config(string scale) => PhaseCatalog.Get(Phase, scale) with { Seed = Seed };

    /// <summary>
    /// The runs this one needs finished before it starts: the run it is initialised from (Phase 3 for Phase 5 and every
    /// recipe built on it), and for a run that only re-selects a training's epochs (<see cref="PhaseRecipe.SelectsOnly"/>)
    /// that training, so that it is made from the kept epochs instead of trained again.
    /// </summary>
    public IReadOnlyList<PlannedRun> Parents(string scale)
    {
        var parents = new List<PlannedRun>();
        if (Config(scale).InitFromPhase is { } init) parents.Add(this with { Phase = init });
        if (PhaseCatalog.VariantRecipes.Any(r => r.SelectsOnly && r.Name == Phase)) parents.Add(this with { Phase = PhaseCatalog.RecipeBase });
        return parents;
    }

    /// <summary>The arguments of <c>desertseg train</c> that name this run (scale, data and the rest are the caller's).</summary>
    public IReadOnlyList<string> TrainArguments()
    {
        var arguments = new List<string> { "--phase", Phase, "--seed", Seed.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        if (Environments != 1) arguments.AddRange(["--environments", Environments.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        if (HeldOut != HeldOutFactors.None) arguments.AddRange(["--held-out", HeldOutName(HeldOut)]);
        return arguments;
    }

    public override string ToString() =>
        (Environments == 1 ? Phase : $"{Phase} on K={Environments}{(HeldOut == HeldOutFactors.None ? "" : $" without {HeldOut}")}")
        + (Seed == PhaseCatalog.DefaultSeed ? "" : $" (seed {Seed})");

    /// <summary>"test-rock-style", "test-rock-style+test-palette": how the command line writes held-out factors.</summary>
    public static string HeldOutName(HeldOutFactors factors) => string.Join("+",
        Enum.GetValues<HeldOutFactors>().Where(f => f != HeldOutFactors.None && factors.HasFlag(f)).Select(f => Kebab(f.ToString())));

    /// <summary>The factors named as <see cref="HeldOutName"/> writes them (or as the enum's names); "none" is none.</summary>
    /// <exception cref="ArgumentException">An unknown factor: the message lists the known ones.</exception>
    public static HeldOutFactors ParseHeldOut(string text)
    {
        var factors = HeldOutFactors.None;
        foreach (string part in text.Split('+', ',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (part.Equals("none", StringComparison.OrdinalIgnoreCase)) continue;
            var known = Enum.GetValues<HeldOutFactors>().Where(f => f != HeldOutFactors.None)
                .FirstOrDefault(f => part.Equals(Kebab(f.ToString()), StringComparison.OrdinalIgnoreCase)
                    || part.Equals(f.ToString(), StringComparison.OrdinalIgnoreCase));
            if (known == HeldOutFactors.None)
                throw new ArgumentException($"--held-out: '{part}' is not a factor. Factors: none, {string.Join(", ",
                    Enum.GetValues<HeldOutFactors>().Where(f => f != HeldOutFactors.None).Select(f => Kebab(f.ToString())))}.");
            factors |= known;
        }
        return factors;
    }

    private static string Kebab(string pascal) =>
        string.Concat(pascal.Select((c, i) => char.IsUpper(c) && i > 0 ? "-" + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString()));
}
