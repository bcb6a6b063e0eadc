using System.Reflection;
using System.Runtime.CompilerServices;

namespace DesertSeg.Lab.Notebooks;

/// <summary>
/// Makes Plotly.NET (built against FSharp.Core 10.1) run in .NET Interactive kernels that ship
/// FSharp.Core 10.0. This folder carries no FSharp.Core.dll, so every request for FSharp.Core from
/// Plotly.NET and its dependencies ends here and gets the kernel's own copy: one FSharp.Core in the
/// process, whatever version each assembly was compiled against. Runs when this assembly loads, before
/// any chart type is touched.
/// </summary>
internal static class KernelBridge
{
    [ModuleInitializer]
    internal static void BindFSharpCoreToTheKernelsCopy()
    {
        AppDomain.CurrentDomain.AssemblyResolve += (_, args) =>
        {
            if (new AssemblyName(args.Name).Name != "FSharp.Core") return null;
            return AppDomain.CurrentDomain.GetAssemblies()
                .Where(a => a.GetName().Name == "FSharp.Core")
                .OrderByDescending(a => a.GetName().Version)
                .FirstOrDefault();
        };
    }
}
