namespace DesertSeg.Lab.Data.Augmentation;

/// <summary>
/// CutMix for segmentation (Yun et al., ICCV 2019, as French et al. 2020 use it for segmentation): with
/// probability <see cref="Probability"/> a batch is mixed; each image gets one rectangle cut from another
/// image of the batch (a random permutation), and its mask gets the same rectangle of that image's mask.
/// The rectangle covers 1 - lambda of the image, lambda ~ Beta(Alpha, Alpha), sides W*sqrt(1-lambda) and
/// H*sqrt(1-lambda) around a uniform centre, clipped at the borders. Labels are pasted, not blended: a
/// pixel keeps exactly one class. It acts on the loader's batch arrays before tensors are made, with its
/// own random stream per (seed, epoch, batch), so a resumed run mixes exactly as an uninterrupted one.
/// </summary>
/// <param name="Probability">Share of batches that are mixed (Yun et al.'s cutmix_prob 0.5).</param>
/// <param name="Alpha">Beta distribution parameter (1: lambda uniform).</param>
public sealed record CutMix(double Probability = 0.5, double Alpha = 1.0)
{
    /// <summary>A rectangle [Top, Bottom) x [Left, Right) pasted into image <see cref="Target"/> from image <see cref="Source"/>.</summary>
    public readonly record struct Box(int Target, int Source, int Top, int Left, int Bottom, int Right);

    /// <summary>The boxes of one batch (empty when the batch is not mixed or has a single image).</summary>
    public IReadOnlyList<Box> Draw(SampleRandom random, int count, int height, int width)
    {
        if (count < 2 || !random.Chance(Probability)) return [];
        var order = Enumerable.Range(0, count).ToArray();
        random.Shuffle(order.AsSpan());
        var boxes = new List<Box>(count);
        for (int i = 0; i < count; i++)
        {
            double lambda = random.Beta(Alpha, Alpha);
            double cut = Math.Sqrt(1 - lambda);
            int cutH = (int)(height * cut), cutW = (int)(width * cut);
            int cy = random.NextInt(0, height - 1), cx = random.NextInt(0, width - 1);
            int top = Math.Clamp(cy - cutH / 2, 0, height), bottom = Math.Clamp(cy + cutH / 2, 0, height);
            int left = Math.Clamp(cx - cutW / 2, 0, width), right = Math.Clamp(cx + cutW / 2, 0, width);
            if (order[i] != i && bottom > top && right > left) boxes.Add(new Box(i, order[i], top, left, bottom, right));
        }
        return boxes;
    }

    /// <summary>
    /// Mixes normalised images (N x 3 x H x W) and masks (N x H x W) in place. Every box reads the batch as it
    /// was before mixing (a copy of the sources is taken first), so the order of the boxes does not matter.
    /// </summary>
    public static void Apply(IReadOnlyList<Box> boxes, float[] images, byte[] masks, int count, int height, int width)
    {
        if (boxes.Count == 0) return;
        var sourceImages = (float[])images.Clone();
        var sourceMasks = (byte[])masks.Clone();
        int plane = height * width;
        foreach (var b in boxes)
        {
            int span = b.Right - b.Left;
            for (int y = b.Top; y < b.Bottom; y++)
            {
                int row = y * width + b.Left;
                Array.Copy(sourceMasks, b.Source * plane + row, masks, b.Target * plane + row, span);
                for (int c = 0; c < 3; c++)
                    Array.Copy(sourceImages, (b.Source * 3 + c) * plane + row, images, (b.Target * 3 + c) * plane + row, span);
            }
        }
    }
}
