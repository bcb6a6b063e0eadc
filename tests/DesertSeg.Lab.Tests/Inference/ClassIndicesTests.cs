using DesertSeg.Lab.Inference;
using static TorchSharp.torch;

namespace DesertSeg.Lab.Tests.Inference;

public class ClassIndicesTests
{
    [Fact]
    public void PicksTheLargestLogit_FirstOnTies_AsALoopDoes()
    {
        manual_seed(3);
        // Rounded to a coarse grid so that many pixels hold ties between classes.
        using var logits = randn(2, 5, 7, 9).mul(2).round();
        float[] values = logits.data<float>().ToArray();
        using var indices = ClassIndices.Of(logits);
        long[] got = indices.data<long>().ToArray();

        Assert.Equal([2L, 7, 9], indices.shape);
        int ties = 0;
        for (int n = 0; n < 2; n++)
        for (int p = 0; p < 7 * 9; p++)
        {
            int best = 0;
            float at(int c) => values[(n * 5 + c) * 63 + p];
            for (int c = 1; c < 5; c++)
                if (at(c) > at(best)) best = c;
            if (Enumerable.Range(best + 1, 4 - best).Any(c => at(c) == at(best))) ties++;
            Assert.Equal(best, got[n * 63 + p]);
        }
        Assert.True(ties > 10, $"only {ties} tied pixels: the test would not see the tie rule");
    }
}
