using System.CommandLine;
using DesertSeg.Cli.Commands;

// desertseg: the workspace's command line. Every command prints clear errors (file and problem),
// never a stack trace, and exits non-zero when something went wrong.
var root = new RootCommand("DesertSeg.Lab: off-road desert segmentation workspace (DeepLabV3+, Falcon data).")
{
    SynthCommand.Create(),
    AuditCommand.Create(),
};
return root.Parse(args).Invoke();
