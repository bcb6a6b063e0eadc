using System.Text.Json.Serialization;
using DesertSeg.Lab.Data.Augmentation;
using OpenCvSharp;

namespace DesertSeg.Lab.Adaptation;

/// <summary>
/// A training-time change of a source image's appearance towards a random target image, after the augmentation
/// preset and before normalisation; the mask is never touched. Stored in a run's configuration ("type" names it).
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(FdaStyle), "FDA")]
[JsonDerivedType(typeof(ColourStatisticsStyle), "ColourStatistics")]
public abstract record SourceStyle
{
    /// <summary>Probability that a source image is restyled.</summary>
    public abstract double P { get; init; }

    /// <summary>Restyles the 8-bit RGB image in place after drawing whether to and which target image.</summary>
    public void Apply(Mat rgb, SampleRandom random, TargetImages target)
    {
        if (!random.Chance(P)) return;
        int index = random.NextInt(0, target.Count - 1);
        Restyle(rgb, index, target);
    }

    protected abstract void Restyle(Mat rgb, int targetIndex, TargetImages target);

    /// <summary>Short name for run names and tables.</summary>
    public abstract string Label { get; }
}

/// <summary>FDA (see <see cref="FourierDomainAdaptation"/>) with one beta, on every source image.</summary>
public sealed record FdaStyle(double Beta = 0.01, double P = 1.0) : SourceStyle
{
    protected override void Restyle(Mat rgb, int targetIndex, TargetImages target)
    {
        using var targetRgb = target.ReadRgb(targetIndex, rgb.Height, rgb.Width);
        using var scope = TorchSharp.torch.NewDisposeScope();
        var swapped = FourierDomainAdaptation.SwapLowFrequency(MatTensors.ToChw(rgb), MatTensors.ToChw(targetRgb), Beta);
        MatTensors.FromChw(swapped, rgb);
    }

    public override string Label => $"FDA beta {Beta:0.00}";
}

/// <summary>
/// Colour-statistics transfer (Reinhard et al., 2001): in CIE L*a*b*, each channel of the source image is shifted
/// and scaled to the mean and standard deviation of a random target image, the cheap cousin of the report's
/// style-transfer idea (section 8).
/// </summary>
public sealed record ColourStatisticsStyle(double P = 0.5) : SourceStyle
{
    protected override void Restyle(Mat rgb, int targetIndex, TargetImages target)
    {
        using var targetRgb = target.ReadRgb(targetIndex, rgb.Height, rgb.Width);
        ColourStatistics.Transfer(rgb, targetRgb);
    }

    public override string Label => "colour statistics";
}

/// <summary>A <see cref="SourceStyle"/> bound to the target images it draws from, as the loader's styling step.</summary>
public sealed class TargetStyler(SourceStyle style, TargetImages target) : IImageStyler
{
    public void Apply(Mat rgb, SampleRandom random) => style.Apply(rgb, random, target);
}
