namespace DesertSeg.Lab.Tests;

/// <summary>
/// The test tiers. Slow tests (real trainings, the notebooks in the kernel, reproduce, browsers, child processes that
/// train) carry <c>[Trait(Tier.Category, Tier.Slow)]</c>; the inner loop runs the rest:
/// <c>dotnet test --filter "Category!=Slow"</c>. The README's test command and CI run both tiers.
/// </summary>
public static class Tier
{
    public const string Category = "Category";
    public const string Slow = "Slow";
}
