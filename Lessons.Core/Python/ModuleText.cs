using System.Globalization;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Lessons.Core.Python;

/// <summary>A module that adds PyTorch's <c>extra_repr()</c> text inside its parentheses.</summary>
public interface IPyExtraRepr
{
    string ExtraRepr { get; }
}

/// <summary>
/// <c>print(module)</c> as PyTorch prints it (nn.Module.__repr__): the class name, then each child
/// as <c>(name): …</c> on its own line, indented two spaces per level, with the module's
/// extra_repr (<c>in_features=1, out_features=10, bias=True</c>) inside its parentheses.
/// </summary>
public static class ModuleText
{
    public static string Format(nn.Module module)
    {
        string extra = ExtraRepr(module);
        var extraLines = extra.Length == 0 ? [] : extra.Split('\n').ToList();
        var childLines = module.named_children()
            .Select(child => $"({child.name}): {AddIndent(Format(child.module), 2)}")
            .ToList();
        var lines = extraLines.Concat(childLines).ToList();

        string text = Name(module) + "(";
        if (lines.Count > 0)
        {
            if (extraLines.Count == 1 && childLines.Count == 0) text += extraLines[0];
            else text += "\n  " + string.Join("\n  ", lines) + "\n";
        }
        return text + ")";
    }

    static string Name(nn.Module module)
    {
        string name = module.GetType().Name;
        int tick = name.IndexOf('`');
        return tick >= 0 ? name[..tick] : name;
    }

    static string ExtraRepr(nn.Module module) => module switch
    {
        IPyExtraRepr custom => custom.ExtraRepr,
        Linear linear => string.Create(CultureInfo.InvariantCulture,
            $"in_features={linear.in_features}, out_features={linear.out_features}, bias={(linear.bias is null ? "False" : "True")}"),
        _ => "",
    };

    // torch.nn.modules.module._addindent: indent every line but the first.
    static string AddIndent(string text, int spaces)
    {
        string[] lines = text.Split('\n');
        if (lines.Length == 1) return text;
        return lines[0] + "\n" + string.Join("\n", lines.Skip(1).Select(l => new string(' ', spaces) + l));
    }
}
