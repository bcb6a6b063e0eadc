using DesertSeg.Lab.IO;
using DesertSeg.Lab.Checkpoints;
using DesertSeg.Lab.Data;

namespace DesertSeg.Cli;

/// <summary>Runs a command body and turns failures into a one-line message and an exit code.</summary>
public static class CommandGuard
{
    public const int Ok = 0;
    public const int Failed = 1;

    public static int Run(Func<int> body)
    {
        try
        {
            NativeLibraries.EnsureLoaded();
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
            or KeyNotFoundException)
        {
            Error(e.Message);
        }
        catch (OperationCanceledException)
        {
            Error("cancelled.");
        }
        catch (Exception e) when (Environment.GetEnvironmentVariable("DESERTSEG_DEBUG") is null)
        {
            Error($"unexpected {e.GetType().Name}: {NativeLibraryException.Reason(e)} (set DESERTSEG_DEBUG=1 to see where it happened)");
        }
        return Failed;
    }

    /// <summary>One error line on standard error, never wrapped, so that a long file path stays whole.</summary>
    public static void Error(string message) => Console.Error.WriteLine($"error: {message}");
}
