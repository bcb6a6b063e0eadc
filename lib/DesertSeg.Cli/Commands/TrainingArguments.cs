using System.CommandLine;
using DesertSeg.Lab.Training;

namespace DesertSeg.Cli.Commands;

/// <summary>
/// The options that say how <c>train</c> and <c>reproduce</c> train (device, ImageNet weights, target images), and the
/// one place that turns them into <see cref="TrainingOptions"/>.
/// </summary>
public sealed class TrainingArguments
{
    public Option<string> Device { get; } = DeviceOptions.Device();
    public EncoderWeightsOptions Weights { get; } = EncoderWeightsOptions.Create();
    public TargetOptions Target { get; } = new();

    public IEnumerable<Option> All => [Device, Weights.File, Weights.FromScratch, Target.Folder, Target.Transductive];

    /// <param name="workers">Loader threads, where the command has that option.</param>
    public TrainingOptions Build(ParseResult r, int? workers = null) => new(
        Device: DeviceOptions.Resolve(r.GetValue(Device)),
        Workers: workers,
        EncoderWeightsFile: r.GetValue(Weights.File),
        FromScratch: r.GetValue(Weights.FromScratch),
        TargetFolder: r.GetValue(Target.Folder),
        Transductive: r.GetValue(Target.Transductive));
}
