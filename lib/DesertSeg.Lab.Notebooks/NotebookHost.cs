using DesertSeg.Lab.Reporting;
using DesertSeg.Lab.Training;
using Microsoft.Data.Analysis;
using Microsoft.DotNet.Interactive;
using Microsoft.DotNet.Interactive.Formatting;
using Plotly.NET;

namespace DesertSeg.Lab.Notebooks;

/// <summary>
/// What runs a notebook's cells, as the library sees it: how charts and tables are shown, how training and long calls
/// show progress, where the stop button is, and how the open cell fails. Two hosts: the .NET Interactive kernel (Polyglot
/// Notebooks, dotnet-repl; <see cref="KernelHost"/>, the default) and the workspace's own runner without it
/// (<c>desertseg notebook</c>, which sets <see cref="Notebook.Host"/> before the first cell). Only the kernel host touches
/// .NET Interactive's types, so a process without those assemblies runs the notebooks through the other.
/// </summary>
public interface INotebookHost
{
    /// <summary>Teaches the host to show charts and DataFrames (the kernel: its formatters).</summary>
    void RegisterFormatters();

    /// <summary>What a training reports its steps and epochs to.</summary>
    ITrainingObserver TrainingObserver();

    /// <summary>The running cell's stop button (none: never cancelled).</summary>
    CancellationToken Cancellation();

    /// <summary>Progress of a long call other than training (scoring, adapting, generating), or null.</summary>
    IProgress<int>? Progress(string what, int total);

    /// <summary>Marks the running cell failed with <paramref name="error"/> before it is rethrown (the kernel does not show an
    /// exception thrown in a cell that <c>#!import</c> runs).</summary>
    void Fail(Exception error);
}

/// <summary>The .NET Interactive kernel: formatters, <see cref="CellProgress"/>, the cell's cancellation token.</summary>
public sealed class KernelHost : INotebookHost
{
    public void RegisterFormatters()
    {
        Formatter.Register<GenericChart>((chart, writer) => writer.Write(Notebook.ChartHtml(chart)), HtmlFormatter.MimeType);
        Formatter.Register<CellProgress.ProgressHtml>((progress, writer) => writer.Write(progress.Html), HtmlFormatter.MimeType);
        Formatter.Register<DataFrame>((frame, writer) => writer.Write(TableExport.ToHtml(frame, maxRows: 100)), HtmlFormatter.MimeType);
    }

    public ITrainingObserver TrainingObserver() => new CellProgress();

    public CancellationToken Cancellation() => KernelInvocationContext.Current?.CancellationToken ?? CancellationToken.None;

    public IProgress<int>? Progress(string what, int total) => CellProgress.Work(what, total);

    public void Fail(Exception error)
    {
        if (KernelInvocationContext.Current is { } cell) cell.Fail(cell.Command, error);
    }
}
