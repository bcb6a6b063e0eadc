using System.Diagnostics;
using DesertSeg.Lab.Benchmarks;

// Usage: dotnet run -c Release --project tests/DesertSeg.Lab.Benchmarks -- [name ...] [-- args]
// With no name, lists the benchmarks. "all" runs every one in turn.
var benchmarks = typeof(IBenchmark).Assembly.GetTypes()
    .Where(t => typeof(IBenchmark).IsAssignableFrom(t) && t is { IsAbstract: false, IsInterface: false })
    .Select(t => (IBenchmark)Activator.CreateInstance(t)!)
    .OrderBy(b => b.Name)
    .ToDictionary(b => b.Name, StringComparer.OrdinalIgnoreCase);

var names = args.TakeWhile(a => a != "--").ToList();
var rest = args.SkipWhile(a => a != "--").Skip(1).ToArray();
if (names.Count == 0)
{
    Console.WriteLine("Benchmarks (run: dotnet run -c Release --project tests/DesertSeg.Lab.Benchmarks -- NAME|all):");
    foreach (var b in benchmarks.Values) Console.WriteLine($"  {b.Name,-16} {b.Description}");
    return 0;
}
if (names.Count == 1 && names[0] == "all") names = benchmarks.Keys.ToList();
foreach (var name in names)
{
    if (!benchmarks.TryGetValue(name, out var bench))
    {
        Console.Error.WriteLine($"Unknown benchmark '{name}'. Known: {string.Join(", ", benchmarks.Keys)}");
        return 2;
    }
    Console.WriteLine($"== {bench.Name}: {bench.Description}");
    var clock = Stopwatch.StartNew();
    bench.Run(rest);
    Console.WriteLine($"== {bench.Name} finished in {clock.Elapsed.TotalSeconds:F1} s");
}
return 0;
