using System.CommandLine;

namespace DesertSeg.Cli.Commands;

/// <summary>The options that name unlabelled target-domain images for domain adaptation.</summary>
public sealed class TargetOptions
{
    public Option<string?> Folder { get; } = new("--target")
    {
        Description = "Unlabelled target-domain images for adaptation (a folder of images or one holding Color_Images). " +
                      "Default: the embedded data set's Target_Domain/unlabelled.",
    };

    public Option<bool> Transductive { get; } = new("--transductive")
    {
        Description = "Allow target images that are also test images (adapting on the scored images); " +
                      "every output is labelled transductive.",
    };
}
