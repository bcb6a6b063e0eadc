using System.Text.Json;
using System.Text.Json.Serialization;
using DesertSeg.Lab.Models;
using static TorchSharp.torch;

namespace DesertSeg.Lab.Adaptation;

/// <summary>
/// A test-time adaptation method: changes a trained model using unlabelled target images only, after training. The
/// record is the method's configuration; its JSON (with <see cref="ResultVersions.TestTimeAdaptation"/>) keys the
/// adapted checkpoints it makes. A new method is one record deriving from this, one <see cref="JsonDerivedTypeAttribute"/>
/// line and one entry in <see cref="All"/>.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(AdaBnConfig), "AdaBN")]
[JsonDerivedType(typeof(TentConfig), "TENT")]
public abstract record TestTimeMethod
{
    /// <summary>The methods by their command-line names.</summary>
    public static readonly IReadOnlyList<TestTimeMethod> All = [new AdaBnConfig(), new TentConfig()];

    /// <summary>The command-line name ("adabn").</summary>
    [JsonIgnore]
    public abstract string Name { get; }

    /// <summary>Adapts <paramref name="model"/> in place on the target images at the model's input size;
    /// <paramref name="progress"/> hears the target images passed through the model so far (of <see cref="Passes"/>).</summary>
    /// <returns>What was done, in one line.</returns>
    public abstract string Adapt(DeepLabV3Plus model, TargetImages target, int height, int width, Device device,
        CancellationToken cancellation, IProgress<int>? progress = null);

    /// <summary>Target images the method passes through the model in all (a progress display's total).</summary>
    public abstract int Passes(TargetImages target);

    /// <summary>The method of that name with its default settings.</summary>
    /// <exception cref="ArgumentException">An unknown name: the message lists the known ones.</exception>
    public static TestTimeMethod ByName(string name) =>
        All.FirstOrDefault(m => m.Name == name.Trim().ToLowerInvariant())
        ?? throw new ArgumentException($"Unknown test-time method '{name}'. " +
            $"Test-time methods: {string.Join(", ", All.Select(m => m.Name))}; " +
            $"training-time methods are runs: {string.Join(", ", AdaptationRuns.All.Select(r => r.Name))} (train --phase NAME).");

    /// <summary>Identifies what this method makes of a given checkpoint and target: settings and code version (16 hex digits).</summary>
    public string Key(string targetFingerprint)
    {
        return ResultVersions.Hash($"{JsonSerializer.Serialize(this)}|{targetFingerprint}|{ResultVersions.TestTimeAdaptation}", 16);
    }
}
