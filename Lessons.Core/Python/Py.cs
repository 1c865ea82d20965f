using System.Collections;
using System.Globalization;
using TorchSharp;
using static TorchSharp.torch;

namespace Lessons.Core.Python;

/// <summary>A Python tuple, printed as Python prints one: <c>(tensor([6.]),)</c>.</summary>
public sealed record PyTuple(params object?[] Items);

/// <summary>
/// Python's <c>str()</c> for the values the tutorials print, so a lesson's transcript reads
/// exactly as the tutorial's output: <c>True</c>, <c>None</c>, <c>170.0</c>, <c>tensor([5.])</c>,
/// <c>torch.Size([])</c>, <c>[3.0, 2.0]</c>.
/// </summary>
public static class Py
{
    public static string Str(object? value) => value switch
    {
        null => "None",
        string s => s,
        _ => Repr(value),
    };

    public static string Repr(object? value) => value switch
    {
        null => "None",
        string s => "'" + s.Replace("\\", "\\\\").Replace("'", "\\'") + "'",
        bool b => b ? "True" : "False",
        double d => PyFloat.Repr(d),
        float f => PyFloat.Repr(f),
        int or long or short or byte => Convert.ToString(value, CultureInfo.InvariantCulture)!,
        Tensor t => TensorText.Format(t),
        Size size => "torch.Size([" + string.Join(", ", size.Select(d => d.ToString(CultureInfo.InvariantCulture))) + "])",
        nn.Module module => ModuleText.Format(module),
        PyTuple tuple => tuple.Items.Length == 1
            ? "(" + Repr(tuple.Items[0]) + ",)"
            : "(" + string.Join(", ", tuple.Items.Select(Repr)) + ")",
        IEnumerable list => "[" + string.Join(", ", list.Cast<object?>().Select(Repr)) + "]",
        _ => value.ToString() ?? "",
    };

    /// <summary><c>print(*values)</c>: str() of each, separated by one space.</summary>
    public static string Print(params object?[] values) => string.Join(" ", values.Select(Str));

    /// <summary><c>tensor.tolist()</c> for a 1-d floating tensor: Python floats (doubles).</summary>
    public static List<double> ToList(Tensor tensor)
    {
        using var scope = NewDisposeScope();
        return tensor.detach().cpu().to_type(ScalarType.Float64).reshape(-1).data<double>().ToList();
    }

    /// <summary><c>tensor.item()</c> for a floating tensor, as the Python float it becomes.</summary>
    public static double Item(Tensor tensor) => tensor.dtype switch
    {
        ScalarType.Float32 => tensor.item<float>(),
        ScalarType.Float64 => tensor.item<double>(),
        _ => throw new ArgumentException($"item() of a {tensor.dtype} tensor is not a Python float here"),
    };
}
