// Builds the workspace library for the notebooks (a few seconds when it is up to date).
// Loaded by the second cell of every notebook, before the library is referenced with #r.
using System.Diagnostics;

if (Environment.GetEnvironmentVariable("DESERTSEG_SKIP_BUILD") != "1")
{
    var build = new ProcessStartInfo("dotnet",
        "build ../lib/DesertSeg.Lab.Notebooks/DesertSeg.Lab.Notebooks.csproj -c Release -nologo -v quiet")
    {
        RedirectStandardOutput = true,
        RedirectStandardError = true,
    };
    using var process = Process.Start(build)!;
    string output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
    process.WaitForExit();
    if (process.ExitCode != 0) throw new Exception("Building lib/DesertSeg.Lab.Notebooks failed:\n" + output);
}
