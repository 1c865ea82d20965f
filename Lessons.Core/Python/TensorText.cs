using System.Text;
using Lessons.Core.Autograd;
using TorchSharp;
using static TorchSharp.torch;

namespace Lessons.Core.Python;

/// <summary>
/// <c>str(tensor)</c> as PyTorch prints it (torch/_tensor_str.py, default print options):
/// precision 4, line width 80, summarised above 1000 elements with 3 edge items, the same
/// choice between integer, fixed and scientific layouts, and the same suffixes
/// (device, dtype, grad_fn / requires_grad).
/// </summary>
public static class TensorText
{
    const int Precision = 4;
    const int LineWidth = 80;
    const int Threshold = 1000;
    const int EdgeItems = 3;

    public static string Format(Tensor tensor)
    {
        const string prefix = "tensor(";
        int indent = prefix.Length;
        var suffixes = new List<string>();

        if (tensor.device.type != DeviceType.CPU)
            suffixes.Add($"device='{DeviceText(tensor.device)}'");

        bool defaultDtype = tensor.dtype is ScalarType.Float32 or ScalarType.Int64 or ScalarType.Bool or ScalarType.ComplexFloat32;
        string body;
        if (tensor.numel() == 0)
        {
            body = "[]";
            if (tensor.Dimensions != 1)
                suffixes.Add("size=(" + string.Join(", ", tensor.shape) + (tensor.Dimensions == 1 ? ",)" : ")"));
        }
        else
        {
            body = Body(tensor, indent);
        }
        if (!defaultDtype) suffixes.Add("dtype=" + DtypeText(tensor.dtype));

        bool gradFnReadable = GradFn.IsAvailable;
        string? autograd = AutogradSuffix(tensor.requires_grad, gradFnReadable, gradFnReadable ? GradFn.NameOf(tensor) : null);
        if (autograd is not null) suffixes.Add(autograd);

        return AddSuffixes(prefix + body, suffixes, indent);
    }

    /// <summary>
    /// PyTorch's last suffix: <c>grad_fn=&lt;Name&gt;</c> for a tensor that has a node, otherwise
    /// <c>requires_grad=True</c> for one that requires grad, otherwise none. Where grad_fn cannot be
    /// read (<see cref="GradFn.IsAvailable"/> is false: libtorch without the Itanium C++ ABI, such as
    /// Windows) a tensor that requires grad gets <c>requires_grad=True</c>, which is true of it;
    /// PyTorch would name its node instead when it has one, and that name is not guessed.
    /// </summary>
    internal static string? AutogradSuffix(bool requiresGrad, bool gradFnAvailable, string? gradFnName) =>
        gradFnAvailable && gradFnName is not null ? $"grad_fn=<{gradFnName}>"
        : requiresGrad ? "requires_grad=True"
        : null;

    public static string DtypeText(ScalarType dtype) => "torch." + dtype switch
    {
        ScalarType.Float32 => "float32",
        ScalarType.Float64 => "float64",
        ScalarType.Float16 => "float16",
        ScalarType.BFloat16 => "bfloat16",
        ScalarType.Int64 => "int64",
        ScalarType.Int32 => "int32",
        ScalarType.Int16 => "int16",
        ScalarType.Int8 => "int8",
        ScalarType.Byte => "uint8",
        ScalarType.Bool => "bool",
        ScalarType.ComplexFloat32 => "complex64",
        ScalarType.ComplexFloat64 => "complex128",
        _ => dtype.ToString().ToLowerInvariant(),
    };

    static string DeviceText(Device device) =>
        device.index >= 0 ? $"{device.type.ToString().ToLowerInvariant()}:{device.index}" : device.type.ToString().ToLowerInvariant();

    /// <summary>The values of a tensor copied to the CPU, with the shape, ready for formatting.</summary>
    sealed class Values
    {
        public required long[] Shape;
        public required double[] Numbers;   // floating and integer tensors
        public required bool[]? Booleans;   // bool tensors
        public required bool Floating;
    }

    static string Body(Tensor tensor, int indent)
    {
        Values values = Read(tensor);
        bool summarize = values.Numbers.Length > Threshold || (values.Booleans?.Length ?? 0) > Threshold;
        var formatter = new Formatter(values, summarize);
        return Render(values, formatter, [], indent, summarize);
    }

    static Values Read(Tensor tensor)
    {
        using var scope = NewDisposeScope();
        Tensor cpu = tensor.detach().cpu().contiguous();
        long[] shape = cpu.shape;
        if (cpu.dtype == ScalarType.Bool)
        {
            bool[] booleans = cpu.reshape(-1).data<bool>().ToArray();
            return new Values { Shape = shape, Numbers = [], Booleans = booleans, Floating = false };
        }
        bool floating = cpu.is_floating_point();
        double[] numbers = cpu.to_type(ScalarType.Float64).reshape(-1).data<double>().ToArray();
        return new Values { Shape = shape, Numbers = numbers, Booleans = null, Floating = floating };
    }

    // _tensor_str_with_formatter: recursion over the leading dimension.
    static string Render(Values values, Formatter formatter, long[] index, int indent, bool summarize)
    {
        int dim = values.Shape.Length - index.Length;
        if (dim == 0) return formatter.Format(values, Offset(values.Shape, index));
        long size = values.Shape[index.Length];
        if (dim == 1)
        {
            var items = new List<string>();
            foreach (long i in Indices(size, summarize))
                items.Add(i < 0 ? " ..." : formatter.Format(values, Offset(values.Shape, [.. index, i])));
            int elementLength = formatter.Width + 2;
            int perLine = Math.Max(1, (LineWidth - indent) / elementLength);
            var lines = new List<string>();
            for (int start = 0; start < items.Count; start += perLine)
                lines.Add(string.Join(", ", items.Skip(start).Take(perLine)));
            return "[" + string.Join(",\n" + new string(' ', indent + 1), lines) + "]";
        }
        var slices = new List<string>();
        foreach (long i in Indices(size, summarize))
            slices.Add(i < 0 ? "..." : Render(values, formatter, [.. index, i], indent + 1, summarize));
        return "[" + string.Join("," + new string('\n', dim - 1) + new string(' ', indent + 1), slices) + "]";
    }

    // Indices along one dimension; -1 marks the elision of a summarised dimension.
    static IEnumerable<long> Indices(long size, bool summarize)
    {
        if (!summarize || size <= 2 * EdgeItems) return Enumerable.Range(0, (int)size).Select(i => (long)i);
        return Enumerable.Range(0, EdgeItems).Select(i => (long)i)
            .Append(-1)
            .Concat(Enumerable.Range(0, EdgeItems).Select(i => size - EdgeItems + i));
    }

    static long Offset(long[] shape, long[] index)
    {
        long offset = 0;
        for (int d = 0; d < shape.Length; d++) offset = offset * shape[d] + (d < index.Length ? index[d] : 0);
        return offset;
    }

    static string AddSuffixes(string text, List<string> suffixes, int indent)
    {
        var result = new StringBuilder(text);
        int lastLineLength = text.Length - text.LastIndexOf('\n') + 1;
        foreach (string suffix in suffixes)
        {
            if (lastLineLength + suffix.Length + 2 > LineWidth)
            {
                result.Append(",\n").Append(' ', indent).Append(suffix);
                lastLineLength = indent + suffix.Length;
            }
            else
            {
                result.Append(", ").Append(suffix);
                lastLineLength += suffix.Length + 2;
            }
        }
        return result.Append(')').ToString();
    }

    /// <summary>torch._tensor_str._Formatter: one layout and width for every element.</summary>
    sealed class Formatter
    {
        readonly bool floating;
        readonly bool intMode = true;
        readonly bool sciMode;
        public int Width { get; } = 1;

        public Formatter(Values values, bool summarize)
        {
            floating = values.Floating;
            IEnumerable<long> offsets = SummarizedOffsets(values.Shape, summarize);
            if (values.Booleans is not null)
            {
                foreach (long o in offsets) Width = Math.Max(Width, BoolText(values.Booleans[o]).Length);
                return;
            }
            if (!floating)
            {
                foreach (long o in offsets) Width = Math.Max(Width, IntegerText(values.Numbers[o]).Length);
                return;
            }
            double[] nonzeroFinite = offsets.Select(o => values.Numbers[o]).Where(v => double.IsFinite(v) && v != 0).ToArray();
            if (nonzeroFinite.Length == 0) return;
            double min = nonzeroFinite.Min(Math.Abs), max = nonzeroFinite.Max(Math.Abs);
            intMode = nonzeroFinite.All(v => v == Math.Ceiling(v));
            if (intMode)
            {
                sciMode = max / min > 1000.0 || max > 1.0e8;
                foreach (double v in nonzeroFinite)
                    Width = Math.Max(Width, sciMode ? PyFloat.Scientific(v, Precision).Length : PyFloat.Fixed(v, 0).Length + 1);
            }
            else
            {
                sciMode = max / min > 1000.0 || max > 1.0e8 || min < 1.0e-4;
                foreach (double v in nonzeroFinite)
                    Width = Math.Max(Width, sciMode ? PyFloat.Scientific(v, Precision).Length : PyFloat.Fixed(v, Precision).Length);
            }
        }

        public string Format(Values values, long offset)
        {
            string text;
            if (values.Booleans is not null) text = BoolText(values.Booleans[offset]);
            else if (!floating) text = IntegerText(values.Numbers[offset]);
            else
            {
                double v = values.Numbers[offset];
                if (sciMode) text = PyFloat.Scientific(v, Precision);
                else if (intMode) text = PyFloat.Fixed(v, 0) + (double.IsFinite(v) ? "." : "");
                else text = PyFloat.Fixed(v, Precision);
            }
            return text.PadLeft(Width);
        }

        static string BoolText(bool b) => b ? "True" : "False";
        static string IntegerText(double v) => ((long)v).ToString(System.Globalization.CultureInfo.InvariantCulture);

        // get_summarized_data: the elements that are shown, which alone decide the layout.
        static IEnumerable<long> SummarizedOffsets(long[] shape, bool summarize)
        {
            if (shape.Length == 0) { yield return 0; yield break; }
            foreach (long[] index in Enumerate(shape, 0, [], summarize))
                yield return Offset(shape, index);
        }

        static IEnumerable<long[]> Enumerate(long[] shape, int dim, long[] prefix, bool summarize)
        {
            foreach (long i in Indices(shape[dim], summarize))
            {
                if (i < 0) continue;
                long[] index = [.. prefix, i];
                if (dim == shape.Length - 1) yield return index;
                else foreach (long[] inner in Enumerate(shape, dim + 1, index, summarize)) yield return inner;
            }
        }
    }
}
