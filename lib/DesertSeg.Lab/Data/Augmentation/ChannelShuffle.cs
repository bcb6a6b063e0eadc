using OpenCvSharp;

namespace DesertSeg.Lab.Data.Augmentation;

/// <summary>Reorders the three colour channels by a uniformly drawn permutation (the identity included).</summary>
public sealed record ChannelShuffle(double P) : ColorTransform
{
    public int[] DrawOrder(SampleRandom random)
    {
        int[] order = [0, 1, 2];
        random.Shuffle<int>(order);
        return order;
    }

    protected internal override void ApplyToImage(Mat rgb, SampleRandom random)
    {
        var order = DrawOrder(random);
        if (order is [0, 1, 2]) return;
        var channels = Cv2.Split(rgb);
        try
        {
            Cv2.Merge([channels[order[0]], channels[order[1]], channels[order[2]]], rgb);
        }
        finally
        {
            foreach (var c in channels) c.Dispose();
        }
    }
}
