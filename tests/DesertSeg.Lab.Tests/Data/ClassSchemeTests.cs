using DesertSeg.Lab.Data;

namespace DesertSeg.Lab.Tests.Data;

public class ClassSchemeTests
{
    [Fact]
    public void TenClassSchemeMapsEveryRawValueToItsIndex()
    {
        ushort[] raw = [100, 200, 300, 500, 550, 600, 700, 800, 7100, 10000];
        var indices = ClassScheme.TenClass.Remap(raw);
        Assert.Equal([0, 1, 2, 3, 4, 5, 6, 7, 8, 9], indices.Select(i => (int)i));
    }

    [Fact]
    public void UnknownValuesBecomeIgnore()
    {
        // 0 (the starter code's phantom background), values between classes, and negative values.
        ushort[] raw = [0, 1, 99, 101, 255, 650, 7099, 9999];
        Assert.All(ClassScheme.TenClass.Remap(raw), i => Assert.Equal(ClassScheme.Ignore, i));
        Assert.Equal(ClassScheme.Ignore, ClassScheme.TenClass.Map(-5));
    }

    [Fact]
    public void ValuesAbove10000AreClippedToSkyAsTheOriginalDid()
    {
        // The original clipped to [0, 10000] before the look-up: anything above 10000 reads as Sky, not ignore.
        Assert.Equal(9, ClassScheme.TenClass.Map(10001));
        Assert.Equal(9, ClassScheme.TenClass.Map(65535));
        Assert.Equal(6, ClassScheme.SevenClass.Map(65535));
    }

    [Fact]
    public void LookUpTableHasTenThousandAndOneEntriesDefaultingToIgnore()
    {
        var lut = ClassScheme.TenClass.LookUpTable;
        Assert.Equal(10001, lut.Length);
        int mapped = 0;
        for (int v = 0; v < lut.Length; v++)
            if (lut[v] != ClassScheme.Ignore)
            {
                mapped++;
                Assert.Equal(FalconClass.ByRawValue(v)!.Name, ClassScheme.TenClass.Classes[lut[v]].Name);
            }
        Assert.Equal(10, mapped);
    }

    [Fact]
    public void SevenClassSchemeIgnoresTheThreeClassesAbsentFromTest()
    {
        var seven = ClassScheme.SevenClass;
        Assert.Equal(["Trees", "Lush Bushes", "Dry Grass", "Dry Bushes", "Rocks", "Landscape", "Sky"], seven.ClassNames);
        ushort[] raw = [100, 200, 300, 500, 550, 600, 700, 800, 7100, 10000];
        Assert.Equal([0, 1, 2, 3, 255, 255, 255, 4, 5, 6], seven.Remap(raw).Select(i => (int)i));
    }

    [Fact]
    public void IndicesGoBackToRawValues()
    {
        var seven = ClassScheme.SevenClass;
        byte[] indices = [0, 4, 6, 255];
        var raw = new ushort[4];
        seven.ToRaw(indices, raw);
        Assert.Equal([100, 800, 10000, 0], raw.Select(v => (int)v));
    }

    [Theory]
    [InlineData("7-class", 7)]
    [InlineData("10", 10)]
    public void SchemesAreFoundByName(string name, int count) => Assert.Equal(count, ClassScheme.ByName(name).Count);

    [Fact]
    public void UnknownSchemeNameIsAClearError()
    {
        var e = Assert.Throws<ArgumentException>(() => ClassScheme.ByName("5-class"));
        Assert.Contains("5-class", e.Message);
    }

    [Fact]
    public void MergedSchemeTrainsAbsentClassesAsLookAlikes()
    {
        var merged = ClassScheme.SevenClassMerged;
        ushort[] raw = [550, 600, 700, 800];
        Assert.Equal(["Landscape", "Dry Grass", "Trees", "Rocks"], merged.Remap(raw).Select(i => merged.Classes[i].Name));
        Assert.Equal(ClassScheme.SevenClass.ClassNames, merged.ClassNames);
    }
}
