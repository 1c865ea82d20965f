using System.Globalization;
using TorchSharp;
using static TorchSharp.torch;

namespace Lessons.Core.Autograd;

/// <summary>
/// What <see cref="GradCheck.Run"/> found. The worst element is the Jacobian entry closest to (or
/// furthest beyond) its tolerance, reported whether the check passed or not.
/// </summary>
/// <param name="Passed">Every entry of every Jacobian within <c>atol + rtol * |numerical|</c>.</param>
/// <param name="Verdict">One line: passed, or the worst element with its numbers.</param>
/// <param name="Input">Index of the worst element's input, among all inputs (not only those requiring grad); -1 when nothing was compared.</param>
/// <param name="InputIndex">The worst element's index in that input, one number per dimension.</param>
/// <param name="OutputIndex">The output element whose derivative it is, one number per dimension.</param>
/// <param name="Numerical">Central difference <c>(f(x + eps) - f(x - eps)) / (2 eps)</c> there.</param>
/// <param name="Analytical">autograd's value there (one backward per output element).</param>
/// <param name="Difference"><c>|numerical - analytical|</c>.</param>
/// <param name="Allowed"><c>atol + rtol * |numerical|</c>, as <c>torch.allclose(analytical, numerical)</c> allows.</param>
/// <param name="EntriesChecked">How many Jacobian entries were compared (input elements times output elements).</param>
public sealed record GradCheckReport(
    bool Passed,
    string Verdict,
    int Input,
    IReadOnlyList<long> InputIndex,
    IReadOnlyList<long> OutputIndex,
    double Numerical,
    double Analytical,
    double Difference,
    double Allowed,
    long EntriesChecked);

/// <summary>
/// <c>torch.autograd.gradcheck</c>, which TorchSharp lacks: compares autograd's Jacobian of a
/// function with central finite differences, in float64, element by element.
/// </summary>
public static class GradCheck
{
    /// <summary>
    /// Checks <paramref name="function"/>'s gradient with respect to every input that requires grad.
    /// The inputs are copied to float64 first (float32's rounding would swamp a 1e-6 step), so the
    /// caller's tensors are never perturbed. The analytical Jacobian comes from one
    /// <c>autograd.grad</c> per output element (a one-hot <c>grad_outputs</c>, the graph retained);
    /// the numerical one from evaluating the function at each input element moved by ±eps, with
    /// grad mode on so that functions which differentiate inside (a first derivative built with
    /// <c>create_graph</c>) can be checked too. Defaults are PyTorch's.
    /// </summary>
    public static GradCheckReport Run(Func<IReadOnlyList<Tensor>, Tensor> function, IReadOnlyList<Tensor> inputs,
        double eps = 1e-6, double atol = 1e-5, double rtol = 1e-3)
    {
        ArgumentNullException.ThrowIfNull(function);
        ArgumentNullException.ThrowIfNull(inputs);
        if (!(eps > 0) || !double.IsFinite(eps)) throw new ArgumentOutOfRangeException(nameof(eps), "eps must be positive and finite");
        if (!(atol >= 0) || !(rtol >= 0)) throw new ArgumentOutOfRangeException(nameof(atol), "atol and rtol must be non-negative");
        for (int i = 0; i < inputs.Count; i++)
        {
            if (inputs[i].requires_grad && !inputs[i].is_floating_point())
                throw new ArgumentException($"input {i} requires grad but is {inputs[i].dtype}, not a floating-point tensor", nameof(inputs));
        }
        int[] checkedInputs = Enumerable.Range(0, inputs.Count).Where(i => inputs[i].requires_grad).ToArray();
        if (checkedInputs.Length == 0)
            throw new ArgumentException("no input requires grad, so there is no gradient to check", nameof(inputs));

        using var scope = NewDisposeScope();
        using var gradMode = torch.enable_grad();
        Tensor[] points = inputs.Select(t => Float64Copy(t, t.requires_grad)).ToArray();

        // Analytical: row j of each input's Jacobian is the gradient of output element j.
        Tensor output = function(points);
        if (!output.is_floating_point())
            throw new ArgumentException($"the function returns {output.dtype}, not a floating-point tensor", nameof(function));
        long[] outputShape = output.shape;
        long outputCount = output.numel();
        Tensor[] wrt = checkedInputs.Select(i => points[i]).ToArray();
        var analytical = checkedInputs.Select(i => new double[outputCount, inputs[i].numel()]).ToArray();
        if (output.requires_grad)
        {
            for (long j = 0; j < outputCount; j++)
            {
                using var rowScope = NewDisposeScope();
                Tensor oneHot = torch.zeros(outputCount, dtype: output.dtype, device: output.device);
                oneHot[j] = 1.0;
                IList<Tensor> rows = torch.autograd.grad([output], wrt, [oneHot.reshape(outputShape)],
                    retain_graph: true, allow_unused: true);
                for (int k = 0; k < wrt.Length; k++)
                {
                    if (IsUndefined(rows[k])) continue; // the output does not depend on this input: zeros
                    double[] row = Values(rows[k]);
                    for (int e = 0; e < row.Length; e++) analytical[k][j, e] = row[e];
                }
            }
        }
        // An output that does not require grad has a zero analytical Jacobian, which the numerical one must match.

        // Numerical, column by column: d output / d (input element e), by central differences.
        var numerical = checkedInputs.Select(i => new double[outputCount, inputs[i].numel()]).ToArray();
        for (int k = 0; k < checkedInputs.Length; k++)
        {
            int input = checkedInputs[k];
            long count = points[input].numel();
            for (long e = 0; e < count; e++)
            {
                using var columnScope = NewDisposeScope();
                double[] plus = Evaluate(function, points, input, e, +eps, outputCount);
                double[] minus = Evaluate(function, points, input, e, -eps, outputCount);
                for (long j = 0; j < outputCount; j++) numerical[k][j, e] = (plus[j] - minus[j]) / (2 * eps);
            }
        }

        return Compare(inputs, checkedInputs, outputShape, numerical, analytical, atol, rtol);
    }

    static GradCheckReport Compare(IReadOnlyList<Tensor> inputs, int[] checkedInputs, long[] outputShape,
        double[][,] numerical, double[][,] analytical, double atol, double rtol)
    {
        long entries = 0;
        bool passed = true;
        // The worst entry: the largest difference relative to what is allowed; NaN counts as worst.
        double worstRatio = double.NegativeInfinity;
        (int Input, long Element, long Output, double N, double A, double Diff, double Allowed)? worst = null;
        for (int k = 0; k < checkedInputs.Length; k++)
        {
            for (long j = 0; j < numerical[k].GetLength(0); j++)
            {
                for (long e = 0; e < numerical[k].GetLength(1); e++)
                {
                    entries++;
                    double n = numerical[k][j, e], a = analytical[k][j, e];
                    double diff = Math.Abs(n - a), allowed = atol + rtol * Math.Abs(n);
                    bool within = diff <= allowed; // false for NaN, as allclose
                    passed &= within;
                    double ratio = double.IsNaN(diff) ? double.PositiveInfinity
                        : allowed > 0 ? diff / allowed : diff > 0 ? double.PositiveInfinity : 0;
                    if (ratio > worstRatio)
                    {
                        worstRatio = ratio;
                        worst = (checkedInputs[k], e, j, n, a, diff, allowed);
                    }
                }
            }
        }
        string tolerance = $"atol {Number(atol)} + rtol {Number(rtol)} * |numerical|";
        if (worst is not { } w)
            return new GradCheckReport(true, $"gradcheck passed: nothing to compare (the output or the inputs are empty), tolerance {tolerance}",
                -1, [], [], 0, 0, 0, 0, 0);
        long[] inputIndex = Unravel(w.Element, inputs[w.Input].shape);
        long[] outputIndex = Unravel(w.Output, outputShape);
        string where = $"input {w.Input} {Index(inputIndex)} -> output {Index(outputIndex)}";
        string numbers = $"numerical {Number(w.N)} vs analytical {Number(w.A)}";
        string verdict = passed
            ? $"gradcheck passed: {entries} Jacobian entr{(entries == 1 ? "y" : "ies")} within {tolerance}; closest to the limit: {where}, {numbers}, |diff| {Number(w.Diff)} <= allowed {Number(w.Allowed)}"
            : $"gradcheck failed: {where}: {numbers}, |diff| {Number(w.Diff)} > allowed {Number(w.Allowed)} ({tolerance}; worst of {entries} entries)";
        return new GradCheckReport(passed, verdict, w.Input, inputIndex, outputIndex, w.N, w.A, w.Diff, w.Allowed, entries);
    }

    /// <summary>The function's output, flattened to float64, with one element of one input moved by <paramref name="step"/>.</summary>
    static double[] Evaluate(Func<IReadOnlyList<Tensor>, Tensor> function, Tensor[] points, int input, long element, double step, long outputCount)
    {
        var moved = new Tensor[points.Length];
        for (int i = 0; i < points.Length; i++)
        {
            // Fresh leaves each time: the function may build (and differentiate) a graph on them.
            moved[i] = Float64Copy(points[i], requiresGrad: false);
            if (i == input)
            {
                Tensor flat = moved[i].view(-1);
                flat[element] = flat[element].item<double>() + step;
            }
            if (points[i].requires_grad) moved[i].requires_grad_();
        }
        double[] values = Values(function(moved));
        if (values.Length != outputCount)
            throw new InvalidOperationException($"the function returned {values.Length} elements at a moved point, {outputCount} at the original one");
        return values;
    }

    static Tensor Float64Copy(Tensor tensor, bool requiresGrad) =>
        tensor.detach().to(float64).clone().requires_grad_(requiresGrad);

    static double[] Values(Tensor tensor) =>
        tensor.detach().to(float64).cpu().contiguous().reshape(-1).data<double>().ToArray();

    // autograd.grad with allow_unused answers an input the output never used with an undefined tensor.
    static bool IsUndefined(Tensor? tensor) => tensor is null || tensor.IsInvalid;

    static long[] Unravel(long flat, long[] shape)
    {
        var index = new long[shape.Length];
        for (int d = shape.Length - 1; d >= 0; d--)
        {
            index[d] = shape[d] == 0 ? 0 : flat % shape[d];
            flat = shape[d] == 0 ? 0 : flat / shape[d];
        }
        return index;
    }

    static string Index(long[] index) => "[" + string.Join(", ", index.Select(i => i.ToString(CultureInfo.InvariantCulture))) + "]";

    // Python's exponent style (1e-05), six significant digits.
    static string Number(double value) => value.ToString("G6", CultureInfo.InvariantCulture).Replace("E", "e");
}
