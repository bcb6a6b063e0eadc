using DesertSeg.Lab.Data;
using DesertSeg.Lab.Data.Synthetic;
using DesertSeg.Lab.Estimation;
using DesertSeg.Lab.Evaluation;
using DesertSeg.Lab.Evaluation.Corruptions;
using DesertSeg.Lab.Evaluation.Robustness;

namespace DesertSeg.Lab.Studies;

/// <summary>
/// Every shift with labels that label-free estimators are measured on: the synthetic test desert (covariate and label
/// shift), the oracle's validation scenes (the same desert, other scenes), held-out random environments (never trained on),
/// val-C (every corruption at every severity), and photos through other cameras (<see cref="OtherCameras"/>).
/// </summary>
public static class EstimationFamilies
{
    /// <summary>Seed of the held-out environments' draw: no training run uses it (runs draw theirs from their own seed).</summary>
    public const int HeldOutEnvironmentSeed = 7919;

    public static IReadOnlyList<LabelledImageSet> All(FalconDataset data, int environments = 4, int scenesPerEnvironment = 16,
        int? valCImages = 16, IReadOnlyList<int>? severities = null)
    {
        var sets = new List<LabelledImageSet> { FromSplit("test desert", data[FalconLayout.Test]) };
        string oracleVal = TargetLayout.OracleValFolder(data.Root);
        if (Directory.Exists(oracleVal)) sets.Add(FromSplit("oracle scenes", FalconDataset.Open(oracleVal).Splits[0]));
        sets.AddRange(HeldOutEnvironments(environments, scenesPerEnvironment));
        sets.AddRange(OtherCameras.Sets(data, valCImages ?? 16));
        var val = data[FalconLayout.Val].RequireComplete().Subset(valCImages);
        foreach (var corruption in Corruptions.All)
            foreach (int severity in severities ?? [1, 2, 3, 4, 5])
                sets.Add(new LabelledImageSet("val-C", $"{corruption.Name} {severity}",
                    Lazy(() => FromSplit("val-C", CorruptedSplits.Ensure(val, corruption, severity)).Items, val.Count)));
        return sets;
    }

    public static LabelledImageSet FromSplit(string family, DataSplit split) => new(family, split.Name,
        split.RequireComplete().Pairs.Select(p => (Func<(RgbImage, RawMask?)>)(() => SplitScorer.ReadPair(p))).ToList());

    /// <summary>Random environments (the multi-environment study's generator, another seed) rendered in memory.</summary>
    public static IEnumerable<LabelledImageSet> HeldOutEnvironments(int count, int scenes)
    {
        var generator = new SceneGenerator();
        for (int e = 1; e <= count; e++)
        {
            var environment = RandomisedEnvironments.Get(e, count + 1, HeldOutEnvironmentSeed);
            int index = e;
            yield return new LabelledImageSet("held-out environments", environment.Name + $" (seed {HeldOutEnvironmentSeed})",
                Enumerable.Range(0, scenes).Select(s => (Func<(RgbImage, RawMask?)>)(() =>
                {
                    var (image, mask) = generator.Render(environment, HeldOutEnvironmentSeed * 1000 + index * 100 + s);
                    return (image, mask);
                })).ToList());
        }
    }

    /// <summary>A list of <paramref name="count"/> readers that makes the underlying set (e.g. corrupts it) on first use.</summary>
    private static IReadOnlyList<Func<(RgbImage, RawMask?)>> Lazy(Func<IReadOnlyList<Func<(RgbImage, RawMask?)>>> make, int count)
    {
        var items = new Lazy<IReadOnlyList<Func<(RgbImage, RawMask?)>>>(make);
        return Enumerable.Range(0, count).Select(i => (Func<(RgbImage, RawMask?)>)(() => items.Value[i]())).ToList();
    }
}
