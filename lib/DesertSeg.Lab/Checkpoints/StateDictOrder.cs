using TorchSharp;
using static TorchSharp.torch;

namespace DesertSeg.Lab.Checkpoints;

/// <summary>A module's state dict in PyTorch's order.</summary>
/// <remarks>TorchSharp's state_dict() lists every parameter before every buffer; PyTorch lists, module
/// by module in pre-order, that module's parameters and then its buffers. Exports use PyTorch's order
/// so that a file written here and one written by smp list the same names in the same sequence.</remarks>
public static class StateDictOrder
{
    /// <summary>(name, tensor) of every parameter and persistent buffer, in PyTorch's order. The
    /// tensors are the module's own (not copies).</summary>
    public static IReadOnlyList<(string Name, Tensor Tensor)> Of(nn.Module module)
    {
        var entries = new List<(string, Tensor)>();
        Visit(module, "", entries);
        return entries;
    }

    // Explicit pre-order walk: TorchSharp's named_modules() does not visit in PyTorch's order.
    private static void Visit(nn.Module module, string prefix, List<(string, Tensor)> entries)
    {
        foreach (var (name, p) in module.named_parameters(recurse: false)) entries.Add((prefix + name, p));
        foreach (var (name, b) in module.named_buffers(recurse: false, include_nonpersistent: false)) entries.Add((prefix + name, b));
        foreach (var (name, child) in module.named_children()) Visit(child, prefix + name + ".", entries);
    }
}
