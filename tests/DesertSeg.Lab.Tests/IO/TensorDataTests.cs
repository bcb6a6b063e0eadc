using DesertSeg.Lab.IO;
using static TorchSharp.torch;

namespace DesertSeg.Lab.Tests.IO;

public class TensorDataTests
{
    [Fact]
    public void CopiesViewsInRowMajorOrder_WhateverTheirStridesAndOffset()
    {
        using var scope = NewDisposeScope();
        var grid = arange(24, dtype: ScalarType.Int64).reshape(2, 3, 4);

        // A transposed view (not contiguous) and a slice that starts 12 elements into the storage.
        Assert.Equal([0L, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11], TensorData.ToArray<long>(grid[0].t()));
        Assert.Equal([12L, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23], TensorData.ToArray<long>(grid.narrow(0, 1, 1)));
        Assert.Equal(new byte[] { 13, 17, 21 }, TensorData.ToArray<byte>(grid[1, TensorIndex.Colon, 1].to(ScalarType.Byte)));
    }

    [Fact]
    public void RefusesAnElementTypeOfAnotherSize()
    {
        using var values = ones(4, dtype: ScalarType.Float32);

        var error = Assert.Throws<ArgumentException>(() => TensorData.ToArray<long>(values));

        Assert.Contains("Float32", error.Message);
    }
}
