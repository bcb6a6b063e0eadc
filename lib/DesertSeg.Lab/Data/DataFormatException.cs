namespace DesertSeg.Lab.Data;

/// <summary>
/// Bad input data: the message always names the file (or folder) and what is wrong with it, so the
/// command line can print it as it is, without a stack trace.
/// </summary>
public class DataFormatException(string path, string problem, Exception? inner = null)
    : Exception($"{path}: {problem}", inner)
{
    /// <summary>The file or folder at fault.</summary>
    public string Path { get; } = path;

    /// <summary>What is wrong with it.</summary>
    public string Problem { get; } = problem;
}
