using DesertSeg.Lab.Tests.Notebooks;
using Xunit.Abstractions;
using Xunit.Sdk;

[assembly: TestCollectionOrderer("DesertSeg.Lab.Tests.CollectionOrder", "DesertSeg.Lab.Tests")]

namespace DesertSeg.Lab.Tests;

/// <summary>
/// Starts the longest collection first. The smoke study (the notebooks, the kernel and <c>reproduce</c> over one runs
/// folder) runs its tests one after another for several minutes; started last, as xunit's default order had it, it ran
/// alone on one core after everything else had finished. Started first, the other collections share the second core
/// beside it.
/// </summary>
public sealed class CollectionOrder : ITestCollectionOrderer
{
    public IEnumerable<ITestCollection> OrderTestCollections(IEnumerable<ITestCollection> testCollections) =>
        testCollections.OrderBy(c => c.DisplayName == SmokeStudyCollection.Name ? 0 : 1)
            .ThenBy(c => c.DisplayName, StringComparer.Ordinal);
}
