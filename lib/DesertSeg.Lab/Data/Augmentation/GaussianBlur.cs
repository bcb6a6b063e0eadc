using OpenCvSharp;

namespace DesertSeg.Lab.Data.Augmentation;

/// <summary>
/// albumentations 2.x GaussianBlur: kernel size randint(KernelMin, KernelMax) made odd by adding one to an even
/// draw (so (3, 5) gives 3 with probability 1/3 and 5 with 2/3), sigma uniform in [SigmaMin, SigmaMax]. The
/// original called GaussianBlur(blur_limit=(3, 5)), which in 2.x leaves sigma_limit at its default (0.5, 3.0);
/// albumentations 1.x instead let OpenCV derive sigma from the kernel size, which SigmaMin = SigmaMax = 0 selects.
/// </summary>
public sealed record GaussianBlur(int KernelMin, int KernelMax, double SigmaMin, double SigmaMax, double P)
    : ColorTransform
{
    public readonly record struct Kernel(int Size, double Sigma);

    public Kernel Draw(SampleRandom random)
    {
        int size = random.NextInt(KernelMin, KernelMax);
        if (size % 2 == 0) size++;
        double sigma = random.Uniform(SigmaMin, SigmaMax);
        return new Kernel(size, sigma);
    }

    protected internal override void ApplyToImage(Mat rgb, SampleRandom random)
    {
        var kernel = Draw(random);
        // sigma 0 makes OpenCV use 0.3 * ((size - 1) * 0.5 - 1) + 0.8; the border is reflect-101 like sepFilter2D's.
        Cv2.GaussianBlur(rgb, rgb, new Size(kernel.Size, kernel.Size), kernel.Sigma, kernel.Sigma, BorderTypes.Reflect101);
    }
}
