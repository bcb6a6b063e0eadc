namespace DesertSeg.Lab.Training;

/// <summary>
/// The original's per-epoch LambdaLR factors (stepped once per epoch; epoch e trains with
/// base_lr * factor(e)), for its three parameter groups.
/// Decoder and head: linear warm-up (e+1)/W for the first W epochs, then a half cosine over the
/// remaining epochs. Encoder: frozen (factor 0, no gradient) for the first F epochs, a linear warm-up
/// (k+1)/U over the next U epochs (k = e-F), then a half cosine over the rest. Cosine parts are floored
/// at <see cref="MinRatio"/> (the original's 1e-7 / 3e-4).
/// </summary>
public sealed record LearningRateSchedule(
    int TotalEpochs,
    int WarmupEpochs = 5,
    int EncoderFrozenEpochs = 5,
    int EncoderWarmupEpochs = 3,
    double MinRatio = 1e-7 / 3e-4)
{
    /// <summary>Factor for the decoder and head groups at 0-based <paramref name="epoch"/>.</summary>
    public double DecoderFactor(int epoch)
    {
        if (epoch < WarmupEpochs) return (epoch + 1.0) / WarmupEpochs;
        return Cosine(epoch - WarmupEpochs, TotalEpochs - WarmupEpochs);
    }

    /// <summary>Factor for the encoder group at 0-based <paramref name="epoch"/>; 0 while frozen.</summary>
    public double EncoderFactor(int epoch)
    {
        if (epoch < EncoderFrozenEpochs) return 0;
        int k = epoch - EncoderFrozenEpochs;
        if (k < EncoderWarmupEpochs) return (k + 1.0) / EncoderWarmupEpochs;
        int start = EncoderFrozenEpochs + EncoderWarmupEpochs;
        return Cosine(epoch - start, TotalEpochs - start);
    }

    /// <summary>Whether the encoder is frozen (requires_grad false; BatchNorm statistics still update) at
    /// <paramref name="epoch"/>.</summary>
    public bool EncoderFrozen(int epoch) => epoch < EncoderFrozenEpochs;

    private double Cosine(int step, int span)
    {
        double progress = span > 0 ? (double)step / span : 1;
        return Math.Max(MinRatio, 0.5 * (1 + Math.Cos(Math.PI * progress)));
    }
}
