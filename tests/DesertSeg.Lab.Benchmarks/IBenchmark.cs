namespace DesertSeg.Lab.Benchmarks;

/// <summary>One named benchmark; Program finds every implementation by reflection.</summary>
public interface IBenchmark
{
    /// <summary>Short name used on the command line, e.g. "synth".</summary>
    string Name { get; }

    /// <summary>One line saying what is measured.</summary>
    string Description { get; }

    /// <summary>Runs the benchmark and prints its figures to the console.</summary>
    void Run(string[] args);
}
