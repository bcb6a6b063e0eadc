using DesertSeg.Lab.Models;
using static TorchSharp.torch;

namespace DesertSeg.Lab.Generalisation;

/// <summary>
/// A run's generalisation ingredients at training time: input randomisations applied to each batch in order, the feature
/// perturbation installed in the student's encoder (removed on dispose), and RandConv's consistency term.
/// </summary>
public sealed class GeneralisationIngredients : IDisposable
{
    private readonly DeepLabV3Plus _model;
    private readonly IReadOnlyList<InputRandomisation> _inputs;
    private readonly RandConv? _randConv;

    private GeneralisationIngredients(IReadOnlyList<GeneralisationIngredient> configs, DeepLabV3Plus model)
    {
        Validate(configs);
        Configs = configs;
        _model = model;
        _inputs = configs.OfType<InputRandomisation>().ToList();
        _randConv = configs.OfType<RandConv>().FirstOrDefault();
        if (configs.OfType<FeatureStatisticsPerturbation>().FirstOrDefault() is { } features)
            model.Encoder.FeaturePerturbation = new EncoderFeaturePerturbation(features.Positions, features.Perturb);
    }

    public IReadOnlyList<GeneralisationIngredient> Configs { get; }

    /// <summary>The ingredients of <paramref name="configs"/> installed on <paramref name="model"/>, or null for none.</summary>
    public static GeneralisationIngredients? Create(IReadOnlyList<GeneralisationIngredient>? configs, DeepLabV3Plus model) =>
        configs is { Count: > 0 } ? new GeneralisationIngredients(configs, model) : null;

    /// <summary>
    /// Refuses lists that cannot work, naming the ingredients: a null entry, an ingredient twice, or two feature-statistics
    /// perturbations (MixStyle and DSU both replace the same statistics at the same places: the second would redo what the
    /// first drew).
    /// </summary>
    /// <exception cref="ArgumentException">The list cannot be trained as it is.</exception>
    public static void Validate(IReadOnlyList<GeneralisationIngredient>? configs)
    {
        if (configs is null) return;
        if (configs.Any(c => c is null)) throw new ArgumentException("The generalisation ingredients hold a null entry.");
        foreach (var config in configs) config.Validate();
        foreach (var twice in configs.GroupBy(c => c.GetType()).Where(g => g.Count() > 1))
            throw new ArgumentException($"Generalisation ingredient {twice.First().Label} is listed {twice.Count()} times: keep one.");
        var features = configs.OfType<FeatureStatisticsPerturbation>().ToList();
        if (features.Count > 1)
            throw new ArgumentException($"{string.Join(" and ", features.Select(f => f.Label))} both re-draw the encoder's feature " +
                "statistics: keep one of them.");
    }

    /// <summary>The batch through every input randomisation, in the list's order.</summary>
    public Tensor Randomise(Tensor images) => _inputs.Aggregate(images, (x, ingredient) => ingredient.Randomise(x));

    /// <summary>RandConv's consistency term for a step whose randomised batch gave <paramref name="logits"/>, or null when no
    /// ingredient has one (<see cref="RandConv.Consistency"/>).</summary>
    public Tensor? ExtraLoss(Tensor cleanImages, Tensor logits) =>
        _randConv is { ConsistencyWeight: > 0 } randConv ? randConv.Consistency(_model, cleanImages, logits) : null;

    public void Dispose() => _model.Encoder.FeaturePerturbation = null;
}
