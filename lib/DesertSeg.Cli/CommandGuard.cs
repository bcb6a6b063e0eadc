using DesertSeg.Lab.IO;
using DesertSeg.Lab.Checkpoints;
using DesertSeg.Lab.Data;

namespace DesertSeg.Cli;

/// <summary>Runs a command body and turns failures into a one-line message and an exit code.</summary>
public static class CommandGuard
{
    public const int Ok = 0;
    public const int Failed = 1;

    /// <summary>
    /// Cancelled by the first Ctrl+C: long work (training, scoring) stops at its next step, a run keeps its last complete
    /// epoch (marked interrupted) and the same command resumes it. A second Ctrl+C ends the process at once.
    /// </summary>
    public static CancellationToken Cancellation => Interrupt.Value.Token;

    private static readonly Lazy<CancellationTokenSource> Interrupt = new(() =>
    {
        var source = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            if (source.IsCancellationRequested) return;
            e.Cancel = true;
            Console.Error.WriteLine("stopping after the current step (Ctrl+C again to end at once)");
            source.Cancel();
        };
        return source;
    });

    public static int Run(Func<int> body)
    {
        try
        {
            NativeLibraries.EnsureLoaded();
            _ = Cancellation;
            return body();
        }
        catch (NativeLibraryException e)
        {
            Error(e.Message);
        }
        catch (AggregateException e) when (Environment.GetEnvironmentVariable("DESERTSEG_DEBUG") is null)
        {
            // Parallel work that failed on several threads: each distinct reason once.
            foreach (var reason in e.Flatten().InnerExceptions.Select(NativeLibraryException.Reason).Distinct())
                Error(reason);
        }
        catch (Exception e) when (e is DataFormatException or CheckpointException or Lab.Training.TrainingDivergedException
            or Lab.Training.MissingEncoderWeightsException)
        {
            // Their messages name the file (and, for checkpoints, every offending key); nothing else is needed.
            Error(e.Message);
        }
        catch (Exception e) when (e is ArgumentException or IOException or UnauthorizedAccessException or InvalidOperationException
            or KeyNotFoundException or FormatException)
        {
            Error(e.Message);
        }
        catch (OperationCanceledException)
        {
            Error("stopped on request; finished work is kept (a run keeps its last complete epoch): " +
                "run the same command again to resume.");
        }
        catch (Exception e) when (Environment.GetEnvironmentVariable("DESERTSEG_DEBUG") is null)
        {
            Error($"unexpected {e.GetType().Name}: {NativeLibraryException.Reason(e)}. Finished work is kept (a training keeps its " +
                "last complete epoch): run the same command again to resume; set DESERTSEG_DEBUG=1 to see where it happened.");
        }
        return Failed;
    }

    /// <summary>One error line on standard error, never wrapped, so that a long file path stays whole.</summary>
    public static void Error(string message) => Console.Error.WriteLine($"error: {message}");
}
