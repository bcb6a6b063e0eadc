using System.CommandLine;

namespace DesertSeg.Cli.Commands;

/// <summary>The encoder-weights options that <c>train</c> and <c>reproduce</c> share.</summary>
public sealed record EncoderWeightsOptions(Option<string?> File, Option<bool> FromScratch)
{
    public static EncoderWeightsOptions Create() => new(
        new Option<string?>("--encoder-weights")
        {
            Description = "torchvision ResNet ImageNet weights (.pth or .safetensors) for the encoder; needed at full scale " +
                          "(quick and smoke use the built-in resnet18-imagenet; see 'desertseg weights').",
        },
        new Option<bool>("--from-scratch")
        {
            Description = "Allow an encoder without ImageNet weights (random initialisation); every such run is labelled '-scratch'.",
        });
}
