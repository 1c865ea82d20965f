using System.Collections;
using TorchSharp;
using static TorchSharp.torch;

namespace Lessons.Core.Catalog;

/// <summary>
/// Turns what a lesson records into plain data: numbers (double), integers (long), booleans,
/// strings, null, and lists of those. Tensors become a number (0-d) or a flat list of numbers.
/// </summary>
public static class ResultValue
{
    public static object? Normalize(object? value) => value switch
    {
        null => null,
        string or bool or double or long => value,
        float f => (double)f,
        int i => (long)i,
        Tensor t => FromTensor(t),
        nn.Module module => Python.ModuleText.Format(module),
        // autograd.grad's one-element tuple, printed (tensor([6.]),), is kept as its tensor.
        Python.PyTuple { Items.Length: 1 } tuple => Normalize(tuple.Items[0]),
        IEnumerable list => list.Cast<object?>().Select(Normalize).ToList(),
        _ => value.ToString(),
    };

    static object FromTensor(Tensor tensor)
    {
        using var scope = NewDisposeScope();
        Tensor cpu = tensor.detach().cpu();
        if (cpu.dtype == ScalarType.Bool)
        {
            bool[] flags = cpu.reshape(-1).data<bool>().ToArray();
            return cpu.Dimensions == 0 ? flags[0] : flags.Cast<object?>().ToList();
        }
        double[] numbers = cpu.to_type(ScalarType.Float64).reshape(-1).data<double>().ToArray();
        return cpu.Dimensions == 0 ? numbers[0] : numbers.Cast<object?>().ToList();
    }
}
