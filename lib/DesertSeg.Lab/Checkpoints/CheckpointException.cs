namespace DesertSeg.Lab.Checkpoints;

/// <summary>A checkpoint file could not be read, or does not fit the model. The message names the file
/// and every offending key, so that a command line can print it as it is (no stack trace needed).</summary>
public sealed class CheckpointException : Exception
{
    /// <summary>The file concerned (or a description of the in-memory source).</summary>
    public string CheckpointPath { get; }

    /// <summary>What matched and what did not, when the failure is a mismatch with the model; null when
    /// the file itself could not be read.</summary>
    public LoadReport? Report { get; }

    public CheckpointException(string source, string message, Exception? inner = null)
        : base($"{source}: {message}", inner)
    {
        CheckpointPath = source;
    }

    public CheckpointException(LoadReport report, string what)
        : base($"{report.Source}: {what} does not match the model.\n{report.Describe(maxNamesPerList: 50)}")
    {
        CheckpointPath = report.Source;
        Report = report;
    }
}
