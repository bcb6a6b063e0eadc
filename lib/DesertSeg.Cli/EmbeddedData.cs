using DesertSeg.Lab.Data.Synthetic;
using Spectre.Console;

namespace DesertSeg.Cli;

/// <summary>The embedded synthetic data set, generated with a progress bar the first time a command needs it.</summary>
public static class EmbeddedData
{
    public static string Ensure()
    {
        string root = EmbeddedDataset.DefaultRoot;
        if (EmbeddedDataset.IsReady(root)) return root;
        AnsiConsole.MarkupLineInterpolated($"No --data given: generating the embedded synthetic data set in [bold]{root}[/] (once).");
        var spec = SyntheticDatasetSpec.Default;
        return ConsoleProgress.Run("Generating synthetic desert", spec.TotalCount, p => EmbeddedDataset.Ensure(root, spec, p));
    }
}
