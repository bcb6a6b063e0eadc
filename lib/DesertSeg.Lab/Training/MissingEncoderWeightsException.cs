namespace DesertSeg.Lab.Training;

/// <summary>A run would train its encoder from random weights without being asked to: the report's model starts from ImageNet.</summary>
public sealed class MissingEncoderWeightsException(RunConfig config) : Exception(
    $"{config.Name} trains a {config.Model.Encoder} encoder, and no ImageNet weights were given. The report's model starts from an " +
    "ImageNet-pretrained encoder; without one the study trains from scratch at the report's small learning rates. Get torchvision's " +
    $"weights on a machine with PyTorch: python -c \"import torch, torchvision; torch.save(torchvision.models.{config.Model.Encoder}" +
    $"(weights='IMAGENET1K_V1').state_dict(), '{config.Model.Encoder}.pth')\", " +
    $"then pass them with --encoder-weights {config.Model.Encoder}.pth " +
    "(notebooks: DESERTSEG_ENCODER_WEIGHTS=path). " +
    "To train from random weights on purpose, use --from-scratch (runs are labelled '-scratch').")
{
    public RunConfig Config { get; } = config;
}
