using System.CommandLine;
using DesertSeg.Cli.Commands;
using Spectre.Console;

// Redirected output (CI logs, files) has no terminal width; 80 columns would wrap every table.
if (Console.IsOutputRedirected) AnsiConsole.Profile.Width = 140;

// desertseg: the workspace's command line. Every command prints clear errors (file and problem),
// never a stack trace, and exits non-zero when something went wrong.
var root = new RootCommand("DesertSeg.Lab: off-road desert segmentation workspace (DeepLabV3+, Falcon data).")
{
    SynthCommand.Create(),
    AuditCommand.Create(),
    TrainCommand.Create(),
    PlanCommand.Create(),
    ReproduceCommand.Create(),
    PredictCommand.Create(),
    EvalCommand.Create(),
    BenchCommand.Create(),
    WeightsCommand.Create(),
    AdaptCommand.Create(),
    RobustnessCommand.Create(),
    EstimateCommand.Create(),
    SelfCheckCommand.Create(),
    NotebookCommand.Create(),
};
return root.Parse(args).Invoke();
