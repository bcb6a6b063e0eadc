using DesertSeg.Lab.Losses;
using DesertSeg.Lab.Models;

namespace DesertSeg.Lab.Training;

/// <summary>
/// The report's training phases as data, each at three scales:
/// <list type="bullet">
/// <item><c>full</c>: the report's settings (ResNet-101, 512x896, batch 4, the original epochs and learning rates).
/// For a CUDA machine.</item>
/// <item><c>quick</c>: the same pipeline on 2 CPU cores: ResNet-18 at 144x256 (9:16 kept, sides divisible by 16), batch 8,
/// a few epochs, a shortened schedule.</item>
/// <item><c>smoke</c>: seconds-long runs on a handful of images at 64x112 (square: 64x64), for tests and notebook checks:
/// they prove that every path runs, not what it scores, so they spend as little compute as the model allows (the smallest
/// sides divisible by 16 that keep ASPP's 1/16 feature map at least 4 pixels high).</item>
/// </list>
/// Phase 2: square 512x512, 10 classes, 50 epochs. Phase 3: 512x896, 10 classes, 100 epochs.
/// Phase 5: 7 classes, initialised from Phase 3 without its head, 60 epochs. Phase 4 is Phase 5 with the
/// "extreme" colour augmentation (the report compares it with Phase 5: 0.4386 vs 0.4435).
/// Ablation variants of Phase 5 (Tables 2 and 9): "5-merge" (absent classes merged into look-alikes
/// instead of ignored), "5-rocks8" (Rocks weight 8), "5-shuffle-gray" (ChannelShuffle + ToGray),
/// "5-ohem" (hard-pixel mining of the CE term, MMSegmentation's OHEMPixelSampler) and "5-cutmix"
/// (CutMix of each batch with probability 0.5, Yun et al.).
/// Quick and smoke scales start from the workspace's built-in ImageNet ResNet-18 ("resnet18-imagenet");
/// full scale takes the user's torchvision ResNet-101 weights (see <see cref="PhaseRunner"/>).
/// </summary>
public static class PhaseCatalog
{
    public static readonly string[] Phases = ["2", "3", "4", "5"];

    /// <summary>The phase every recipe (<see cref="VariantRecipes"/>, the domain-adaptation runs) changes one thing of.</summary>
    public const string RecipeBase = "5";
    public static readonly string[] Scales = ["full", "quick", "smoke"];

    /// <summary>The training seed of every catalog run.</summary>
    public const int DefaultSeed = 42;

    /// <summary>The report's Phase-5 ablations: one change each to Phase 5's configuration.</summary>
    public static readonly IReadOnlyList<PhaseRecipe> VariantRecipes =
    [
        new("5-merge", "Phase 5 with absent classes merged into look-alikes (Table 2)", c => c with { ClassScheme = "7-class-merged" }),
        new("5-rocks8", "Phase 5 with Rocks weight 8 (Table 9)", c => c with { Loss = c.Loss with { ClassWeights = "code-rocks8" } }),
        new("5-shuffle-gray", "Phase 5 with ChannelShuffle + ToGray (Table 9)", c => c with { Augmentation = "shuffle-gray" }),
        new("5-ohem", "Phase 5 with OHEM on the CE term (Table 9)", c => c with { Loss = c.Loss with { Ohem = new OhemConfig() } }),
        new("5-cutmix", "Phase 5 with CutMix (Table 9)", c => c with { CutMix = new Data.Augmentation.CutMix() }),
        new("5-select-estimate", "Phase 5 selected on its estimated mIoU on unlabelled target images (test recorded to compare)",
            c => c with { Selection = ModelSelection.TargetEstimate, RecordTest = true }, SelectsOnly: true),
    ];

    /// <summary>
    /// Most epochs a run keeps every model of for re-selection (<see cref="KeepsEpochModels"/>): the quick and smoke scales'
    /// few epochs (68 MB each at quick scale); the full scale's 60 ResNet-101 models (14 GB) are not kept, and a
    /// re-selecting run is trained there.
    /// </summary>
    public const int MaxKeptEpochModels = 8;

    /// <summary>Whether a training of <paramref name="config"/> keeps every epoch's model: it is the configuration (Phase 5)
    /// that a <see cref="PhaseRecipe.SelectsOnly"/> recipe chooses from, and its epochs are few.</summary>
    public static bool KeepsEpochModels(RunConfig config) =>
        config.Phase == RecipeBase && config.Epochs <= MaxKeptEpochModels && VariantRecipes.Any(r => r.SelectsOnly);

    public static readonly string[] Variants = VariantRecipes.Select(r => r.Name).ToArray();

    /// <summary>The domain-adaptation runs' names (<see cref="Adaptation.AdaptationRuns"/>).</summary>
    public static readonly string[] AdaptationRuns = Adaptation.AdaptationRuns.All.Select(r => r.Name).ToArray();

    /// <summary>The domain-generalisation runs' names (<see cref="Generalisation.GeneralisationRuns"/>).</summary>
    public static readonly string[] GeneralisationRuns = Generalisation.GeneralisationRuns.All.Select(r => r.Name).ToArray();

    /// <summary>Encoder of the quick and smoke scales: ResNet-18 with ImageNet weights that ship with the workspace.</summary>
    public const string QuickEncoder = "resnet18-imagenet";

    /// <summary>A phase as a user may write it ("5", "phase5", "Phase 5-ohem"): the catalog's name ("5", "5-ohem").</summary>
    public static string Parse(string text)
    {
        text = text.Trim();
        if (text.StartsWith("phase", StringComparison.OrdinalIgnoreCase)) text = text["phase".Length..].Trim();
        return text;
    }

    /// <summary>The configuration of a phase or variant (catalog names: <see cref="Phases"/>, <see cref="Variants"/>) at a scale.</summary>
    public static RunConfig Get(string phase, string scale)
    {
        if (!Scales.Contains(scale)) throw new ArgumentException($"Unknown scale '{scale}'. Scales: {string.Join(", ", Scales)}.");
        if (VariantRecipes.Concat(Adaptation.AdaptationRuns.All).Concat(Generalisation.GeneralisationRuns.All)
                .FirstOrDefault(r => r.Name == phase) is { } recipe)
            return recipe.Build(Get(RecipeBase, scale));
        if (!Phases.Contains(phase))
            throw new ArgumentException($"Unknown phase '{phase}'. Phases: {string.Join(", ", Phases)}; " +
                $"variants: {string.Join(", ", Variants)}; " +
                $"domain-adaptation runs: {string.Join(", ", AdaptationRuns)}; " +
                $"domain-generalisation runs: {string.Join(", ", GeneralisationRuns)}.");
        var size = Size(scale, square: phase == "2");
        bool tenClass = phase is "2" or "3";
        int epochs = Epochs(phase, scale);
        return new RunConfig(
            Phase: phase,
            Scale: scale,
            Description: Describe(phase),
            Model: new ModelConfig(scale == "full" ? "resnet101" : QuickEncoder, tenClass ? 10 : 7),
            ClassScheme: tenClass ? "10-class" : "7-class",
            Height: size.Height,
            Width: size.Width,
            Epochs: epochs,
            BatchSize: scale switch { "full" => 4, "quick" => 8, _ => 4 },
            Augmentation: phase == "4" ? "extreme" : "table3",
            Loss: new LossConfig("code"),
            Optimizer: Optimizer(scale),
            Schedule: Schedule(scale, epochs),
            InitFromPhase: phase is "4" or "5" ? "3" : null,
            TrainImages: scale switch { "smoke" => 16, "quick" => 112, _ => null },
            ValImages: scale == "smoke" ? 8 : null);
    }

    private static (int Height, int Width) Size(string scale, bool square) => scale switch
    {
        "full" => square ? (512, 512) : (512, 896),
        "smoke" => square ? (64, 64) : (64, 112),
        _ => square ? (144, 144) : (144, 256),
    };

    /// <summary>
    /// Quick epochs are sized so that every phase and ablation of `reproduce` fits its time budget on 2 cores
    /// (README); Phase 3, the base of the others, gets the most.
    /// </summary>
    private static int Epochs(string phase, string scale) => (phase, scale) switch
    {
        ("2", "full") => 50,
        ("3", "full") => 100,
        (_, "full") => 60,
        ("3", "quick") => 6,
        ("2", "quick") => 4,
        (_, "quick") => 3,
        _ => 1, // smoke: one epoch checks the whole path (tests, notebook checks) in the least time
    };

    /// <summary>
    /// Full scale: the report's learning rates. Quick and smoke scales start from the same kind of encoder (ImageNet
    /// ResNet-18, frozen for the first epoch) but train 3-6 epochs instead of 60-100, and at the report's rates
    /// the decoder barely leaves its random start in that time (README gives the measurement: Phase 3 quick at the
    /// report's rates and at ten times them). The short scales therefore use ten times the report's rates, keeping
    /// the original's three-group ratios (encoder 1 : decoder 3.3 : head 10).
    /// </summary>
    private static OptimizerConfig Optimizer(string scale) =>
        scale == "full" ? new OptimizerConfig() : new OptimizerConfig(EncoderLr: 3e-4, DecoderLr: 1e-3, HeadLr: 3e-3);

    /// <summary>The original schedule at full scale; shortened warm-up and freeze (1 epoch each) for the short runs.</summary>
    private static LearningRateSchedule Schedule(string scale, int epochs) => scale == "full"
        ? new LearningRateSchedule(epochs)
        : new LearningRateSchedule(epochs, WarmupEpochs: 1, EncoderFrozenEpochs: epochs > 2 ? 1 : 0, EncoderWarmupEpochs: 1);

    private static string Describe(string phase) => phase switch
    {
        "2" => "Phase 2 baseline: square crops, 10 classes",
        "3" => "Phase 3: native 9:16 aspect ratio, 10 classes",
        "4" => "Phase 4: Phase 5 with extreme colour augmentation",
        "5" => "Phase 5: 7 classes (absent classes ignored), transferred from Phase 3",
        _ => throw new ArgumentException($"Unknown phase '{phase}'. Phases: {string.Join(", ", Phases)}."),
    };
}
