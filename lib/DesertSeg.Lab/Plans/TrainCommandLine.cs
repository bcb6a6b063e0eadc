using System.Globalization;

namespace DesertSeg.Lab.Plans;

/// <summary>
/// The <c>desertseg train</c> line of a planned run: the very line the local executor starts as a child process and a Slurm
/// job runs, so that a run is the same run whichever engine trained it.
/// </summary>
/// <param name="Data">The data set folder (null: the embedded synthetic one, generated on first use).</param>
/// <param name="Runs">The runs folder all runs share.</param>
/// <param name="EncoderWeights">The user's ImageNet weights (full scale), or null.</param>
/// <param name="Target">Unlabelled target images for the adaptation runs, or null (the data set's own).</param>
public sealed record TrainCommandLine(string Scale, string? Data, string Runs, string? EncoderWeights = null, bool FromScratch = false,
    string? Target = null, bool Transductive = false)
{
    /// <summary>The arguments after the program: <c>train --phase ... --scale ...</c>, then the run's test score, so that the
    /// job that writes the report finds it cached in the run folder.</summary>
    /// <param name="threads">LibTorch threads (null: every core the process sees).</param>
    /// <param name="device">cpu, cuda, cuda:1, ... (null: CUDA when available, else CPU).</param>
    public IReadOnlyList<string> Arguments(PlannedRun run, int? threads = null, string? device = null)
    {
        var arguments = new List<string> { "train" };
        arguments.AddRange(run.TrainArguments());
        arguments.AddRange(["--scale", Scale, "--runs", Path.GetFullPath(Runs), "--score", "test"]);
        if (Data is not null) arguments.AddRange(["--data", Path.GetFullPath(Data)]);
        if (threads is { } n) arguments.AddRange(["--threads", n.ToString(CultureInfo.InvariantCulture)]);
        if (device is not null) arguments.AddRange(["--device", device]);
        if (EncoderWeights is not null) arguments.AddRange(["--encoder-weights", Path.GetFullPath(EncoderWeights)]);
        if (FromScratch) arguments.Add("--from-scratch");
        if (Target is not null) arguments.AddRange(["--target", Path.GetFullPath(Target)]);
        if (Transductive) arguments.Add("--transductive");
        return arguments;
    }

    /// <summary>One argument quoted for bash where it needs it.</summary>
    public static string ShellQuote(string argument) =>
        argument.Length > 0 && argument.All(c => char.IsAsciiLetterOrDigit(c) || "-_./:=,+@%".Contains(c))
            ? argument
            : "'" + argument.Replace("'", "'\\''") + "'";
}
