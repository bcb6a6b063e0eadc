using static TorchSharp.torch;

namespace DesertSeg.Lab.Adaptation;

/// <summary>
/// Fourier Domain Adaptation (Yang and Soatto, CVPR 2020): a source image takes the low-frequency amplitude
/// spectrum of a target image and keeps its own phase, so it gets the target's global colour and illumination
/// while its content (and so its labels) stays. As the authors' FDA_source_to_target_np: per channel, on 0..255
/// images before normalisation, the centred (fftshift) amplitude is replaced in the square of half-width
/// b = floor(min(H, W) * beta) around the zero frequency, rows and columns c - b .. c + b with c = floor(size / 2).
/// </summary>
public static class FourierDomainAdaptation
{
    /// <summary>The betas of the paper (0.01, 0.05, 0.09): its multi-band ensemble averages one model of each.</summary>
    public static readonly double[] PaperBetas = [0.01, 0.05, 0.09];

    /// <summary>Half-width of the swapped band for an H x W image.</summary>
    public static int BandHalfWidth(int height, int width, double beta) => (int)Math.Floor(Math.Min(height, width) * beta);

    /// <summary>
    /// The source image (C x H x W, float, 0..255) with the target's (same shape) low-frequency amplitude; float64
    /// arithmetic, real part of the inverse transform.
    /// </summary>
    /// <remarks>beta = 0 gives b = 0; the original still swaps the single zero-frequency coefficient (a band of 1x1),
    /// which changes the image mean. Here beta = 0 means "no swap" and returns the source unchanged, so that FDA can be
    /// switched off by its parameter.</remarks>
    public static Tensor SwapLowFrequency(Tensor source, Tensor target, double beta)
    {
        if (!source.shape.SequenceEqual(target.shape))
            throw new ArgumentException(
                $"Source [{string.Join(", ", source.shape)}] and target [{string.Join(", ", target.shape)}] differ in shape.");
        if (beta < 0 || beta >= 0.5) throw new ArgumentOutOfRangeException(nameof(beta), $"beta must be in [0, 0.5), got {beta}.");
        if (beta == 0) return source.clone();
        using var scope = NewDisposeScope();
        int h = (int)source.shape[^2], w = (int)source.shape[^1];
        int b = BandHalfWidth(h, w, beta);
        var dims = new long[] { -2, -1 };
        var src = fft.fftshift(fft.fft2(source.to(ScalarType.Float64)), dims);
        var trg = fft.fftshift(fft.fft2(target.to(ScalarType.Float64)), dims);
        var amplitude = src.abs();
        var phase = src.angle();
        int ch = h / 2, cw = w / 2;
        int h1 = Math.Max(0, ch - b), h2 = Math.Min(h, ch + b + 1), w1 = Math.Max(0, cw - b), w2 = Math.Min(w, cw + b + 1);
        var rows = TensorIndex.Slice(h1, h2);
        var cols = TensorIndex.Slice(w1, w2);
        amplitude[TensorIndex.Ellipsis, rows, cols] = trg.abs()[TensorIndex.Ellipsis, rows, cols];
        var spectrum = polar(amplitude, phase);
        var image = fft.ifft2(fft.ifftshift(spectrum, dims)).real;
        return image.to(source.dtype).MoveToOuterDisposeScope();
    }
}
