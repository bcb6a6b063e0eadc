using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using DesertSeg.Lab.Adaptation;
using DesertSeg.Lab.Adaptation.Objectives;
using DesertSeg.Lab.Checkpoints;
using DesertSeg.Lab.Data.Augmentation;
using DesertSeg.Lab.Generalisation;
using DesertSeg.Lab.Losses;
using DesertSeg.Lab.Models;

namespace DesertSeg.Lab.Training;

/// <summary>AdamW with the original's three parameter groups, in this order: encoder, decoder, head.</summary>
public sealed record OptimizerConfig(
    double EncoderLr = 3e-5,
    double DecoderLr = 1e-4,
    double HeadLr = 3e-4,
    double WeightDecay = 0.01,
    double GradientClipNorm = 1.0);

/// <summary>What a run learns from: the source training split, or (the oracle) labelled target-domain scenes
/// (<see cref="Data.TargetLayout"/>), the upper bound that domain adaptation is measured against.</summary>
public enum TrainingData { Source, Oracle }

/// <summary>
/// Everything that determines a training run. Two runs with equal configurations (and the same data)
/// produce the same history, so a finished run is found again by its <see cref="Fingerprint"/>.
/// </summary>
/// <param name="InitFromPhase">The phase whose best checkpoint this run starts from (everything but the head).</param>
/// <param name="InitCheckpoint">That exact checkpoint (name and hash), filled in when the parent run is known.</param>
/// <param name="EncoderWeights">The ImageNet encoder weights the run (or its parent) started from, by name and hash.</param>
/// <param name="FromScratch">True when the encoder starts from random weights on purpose (labelled in the run's name).</param>
/// <param name="CutMix">Batch-level CutMix (Table 9), or null.</param>
/// <param name="TrainOn">The labelled images the run learns from.</param>
/// <param name="Style">Domain adaptation: source images restyled towards random target images (FDA, colour statistics), or null.</param>
/// <param name="Objectives">Domain adaptation: losses on unlabelled target images, summed with the source loss at every step
/// (FDA's entropy, MinEnt, self-training, MIC); combinations that cannot work are refused by <see cref="Validate"/>.</param>
/// <param name="RareClassSampling">Rare-class sampling of the source images (DAFormer), or null.</param>
/// <param name="Target">The unlabelled target images the run adapts to (or selects on), filled in when bound.</param>
/// <param name="SelectionEstimator">With <see cref="ModelSelection.TargetEstimate"/>: the estimator (null: the default).</param>
/// <param name="Generalisation">Domain generalisation: training-time ingredients that change what the model sees of the
/// source images or their features (RandConv, amplitude mix, MixStyle, DSU) without any target image.</param>
/// <param name="RecordTest">Score test after every epoch and keep it in the history, only to compare selections afterwards
/// (<see cref="SelectionComparison"/>); it never selects anything unless <see cref="Selection"/> says test.</param>
public sealed record RunConfig(
    string Phase,
    string Scale,
    string Description,
    ModelConfig Model,
    string ClassScheme,
    int Height,
    int Width,
    int Epochs,
    int BatchSize,
    string Augmentation,
    LossConfig Loss,
    OptimizerConfig Optimizer,
    LearningRateSchedule Schedule,
    string? InitFromPhase = null,
    WeightsFile? InitCheckpoint = null,
    WeightsFile? EncoderWeights = null,
    bool FromScratch = false,
    CutMix? CutMix = null,
    TrainingData TrainOn = TrainingData.Source,
    SourceStyle? Style = null,
    IReadOnlyList<TargetObjectiveConfig>? Objectives = null,
    RareClassSamplingConfig? RareClassSampling = null,
    TargetBinding? Target = null,
    int Seed = 42,
    int? TrainImages = null,
    int? ValImages = null,
    ModelSelection Selection = ModelSelection.Validation,
    int TestLeakEvery = RunConfig.DefaultTestLeakEvery,
    int TestLeakPatience = RunConfig.DefaultTestLeakPatience,
    string? SelectionEstimator = null,
    bool RecordTest = false,
    IReadOnlyList<GeneralisationIngredient>? Generalisation = null)
{
    public static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter() },
    };

    /// <summary>
    /// Short, stable identity of what the run computes (12 hex digits of a SHA-256): the configuration's JSON without
    /// what only names or describes it (phase, scale, description, file and folder names: files count by hash), without
    /// unset (null or empty) settings, with <see cref="ResultVersions.Training"/>. Runs whose results would be equal
    /// share it; a changed setting that alters training changes it.
    /// </summary>
    public string Fingerprint()
    {
        var key = JsonSerializer.SerializeToNode(this, Json)!.AsObject();
        // Words and names, including the computed ones the JSON carries for people reading config.json.
        foreach (var name in new[] { nameof(Phase), nameof(Scale), nameof(Description), nameof(Name), nameof(EncoderOrigin) })
            key.Remove(name);
        foreach (var name in new[] { nameof(InitCheckpoint), nameof(EncoderWeights), nameof(Target) })
            (key[name] as JsonObject)?.Remove("Name");
        WithoutUnset(key);
        // Settings added after runs existed count only when set: their default must leave every earlier run's key as it was.
        if (!RecordTest) key.Remove(nameof(RecordTest));
        key["ResultsVersion"] = ResultVersions.Training;
        // A target-estimate selection without a named estimator uses the default, which issue 30 changed: the key names it.
        if (Selection == ModelSelection.TargetEstimate && SelectionEstimator is null)
            key[nameof(SelectionEstimator)] = Estimation.LabelFreeEstimators.Default;
        if (Objectives is { Count: > 0 }) key["TargetObjectivesVersion"] = ResultVersions.TargetObjectives;
        string canonical = key.ToJsonString();
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)))[..12].ToLowerInvariant();
    }

    /// <summary>
    /// This run's training as a run that selects on validation and records nothing beside it. Two configurations equal here
    /// train the same epochs (the same weights after every epoch: selection and recording only read the model) and differ
    /// only in the epoch they choose and the scores they record; target images that only the selection reads go with it.
    /// </summary>
    public RunConfig WithValidationSelection() => this with
    {
        Selection = ModelSelection.Validation, SelectionEstimator = null, RecordTest = false,
        TestLeakEvery = DefaultTestLeakEvery, TestLeakPatience = DefaultTestLeakPatience,
        Target = Style is null && Objectives is not { Count: > 0 } ? null : Target,
    };

    /// <summary>The original's test selection: every 3 epochs, stopping after 15 checks without gain.</summary>
    public const int DefaultTestLeakEvery = 3, DefaultTestLeakPatience = 15;

    /// <summary>Removes null values and empty lists, at every depth.</summary>
    private static void WithoutUnset(JsonNode? node)
    {
        if (node is JsonObject obj)
        {
            foreach (var name in obj.Where(p => p.Value is null || p.Value is JsonArray { Count: 0 }).Select(p => p.Key).ToList())
                obj.Remove(name);
            foreach (var (_, value) in obj) WithoutUnset(value);
        }
        else if (node is JsonArray array)
            foreach (var item in array) WithoutUnset(item);
    }

    /// <summary>A readable run name, e.g. "phase5-quick"; "-scratch" marks a random encoder, "-testleak" test-set selection.</summary>
    public string Name => $"phase{Phase}-{Scale}" + (FromScratch ? "-scratch" : "") +
        (Target?.Transductive == true ? "-transductive" : "") + (Selection == ModelSelection.TestLeak ? "-testleak" : "") +
        (Selection == ModelSelection.TargetEstimate && !Phase.EndsWith("-select-estimate") ? "-select-estimate" : "");

    /// <summary>Where the encoder's weights came from, in words.</summary>
    public string EncoderOrigin => FromScratch ? "random (from scratch)"
        : InitFromPhase is { } phase ? $"Phase {phase}'s checkpoint{(InitCheckpoint is { } c ? $" {c}" : "")}" +
            (EncoderWeights is { } w ? $", itself from {w}" : "")
        : EncoderWeights?.ToString() ?? "not set";

    /// <summary>True when the run uses unlabelled target images (a domain-adaptation method, or selection on them).</summary>
    [JsonIgnore]
    public bool UsesTarget => Style is not null || Objectives is { Count: > 0 } || Selection == ModelSelection.TargetEstimate;

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public static RunConfig FromJson(string json) =>
        JsonSerializer.Deserialize<RunConfig>(json, Json) ?? throw new JsonException("empty run configuration");

    /// <summary>Checks what a run cannot start without, naming the setting.</summary>
    public void Validate()
    {
        if (Height % ModelConfig.OutputStride != 0 || Width % ModelConfig.OutputStride != 0)
            throw new ArgumentException($"Input size {Height}x{Width} must divide by {ModelConfig.OutputStride} on both sides.");
        if (Epochs <= 0) throw new ArgumentException($"Epochs must be positive, got {Epochs}.");
        if (BatchSize <= 0) throw new ArgumentException($"Batch size must be positive, got {BatchSize}.");
        if (Schedule.TotalEpochs != Epochs)
            throw new ArgumentException($"The schedule covers {Schedule.TotalEpochs} epochs but the run has {Epochs}.");
        if (!Enum.IsDefined(TrainOn))
            throw new ArgumentException($"TrainOn must be one of {string.Join(", ", Enum.GetNames<TrainingData>())}, got {(int)TrainOn}.");
        if (RareClassSampling is { Temperature: <= 0 } rcs)
            throw new ArgumentException($"Rare-class sampling needs a positive temperature, got {rcs.Temperature}.");
        TargetObjectives.Validate(Objectives);
        GeneralisationIngredients.Validate(Generalisation);
        if (SelectionEstimator is { } estimator)
        {
            if (Selection != ModelSelection.TargetEstimate)
                throw new ArgumentException($"SelectionEstimator '{estimator}' is set but the run selects on {Selection}.");
            Estimation.LabelFreeEstimators.ByName(estimator);
        }
        int classes = Data.ClassScheme.ByName(ClassScheme).Count;
        if (Model.Classes != classes)
            throw new ArgumentException($"The model has {Model.Classes} outputs but the {ClassScheme} scheme has {classes} classes.");
    }
}
