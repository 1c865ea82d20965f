using System.Globalization;
using Lessons.Core.Python;
using TorchSharp;
using static TorchSharp.torch;

namespace Lessons.Core.Exercises;

/// <summary>
/// Comparisons for checks: shape first (naming both shapes), then values in float64, reporting the
/// worst element and, where the pattern is a common slip, what it looks like (a flipped sign, a
/// transpose, a gradient that accumulated).
/// </summary>
public static class Expect
{
    /// <summary>A shape as PyTorch prints it: <c>[64, 10]</c>.</summary>
    public static string Shape(Tensor tensor) => Shape(tensor.shape);

    public static string Shape(long[] shape) => "[" + string.Join(", ", shape) + "]";

    /// <summary>
    /// <paramref name="got"/> equals <paramref name="expected"/> within <c>atol + rtol·|expected|</c>
    /// element by element, or a <see cref="CheckFailedException"/> says how it differs.
    /// </summary>
    /// <param name="what">The learner's value, named as in the exercise: "grad_w1".</param>
    /// <param name="against">What the expected value is: "autograd's dloss/dw1".</param>
    public static void Close(string what, Tensor? got, Tensor expected, string against, double atol = 1e-10, double rtol = 1e-7)
    {
        if (got is null) throw new CheckFailedException($"{what} is null; return a tensor");
        // C# converts the literal 0 to any enum: sum(0) is sum(ScalarType.Byte), a 0-dim sum in uint8.
        if (got.dtype == ScalarType.Byte && expected.is_floating_point())
            throw new CheckFailedException($"{what} is a uint8 tensor of shape {Shape(got)}: in TorchSharp `sum(0)` binds to sum(ScalarType), 0 being Byte, and adds every element; "
                + "write sum(dim: 0) or sum(0, keepdim: true)");
        if (got.dim() == 0 && expected.dim() > 0)
            throw new CheckFailedException($"{what} is a 0-dim tensor (one number), but {against} has shape {Shape(expected)}: a sum over everything where one dimension was meant? "
                + "(in TorchSharp `sum(0)` is sum(ScalarType); write sum(dim: 0) or sum(0, keepdim: true))");
        if (!got.shape.SequenceEqual(expected.shape))
        {
            bool transposed = got.dim() == 2 && expected.dim() == 2 && got.shape[0] == expected.shape[1] && got.shape[1] == expected.shape[0];
            throw new CheckFailedException($"{what} has shape {Shape(got)}, but {against} has shape {Shape(expected)}"
                + (transposed ? " (transposed: a missing or extra .t()?)" : ""));
        }
        using var scope = NewDisposeScope();
        Tensor mine = got.detach().to(float64).cpu();
        Tensor theirs = expected.detach().to(float64).cpu();
        if (!mine.isfinite().all().item<bool>())
            throw new CheckFailedException($"{what} has NaN or infinite elements (at {Index(mine, (~mine.isfinite()).to(float64).argmax())})", Numbers(what, mine, theirs, against));
        Tensor excess = (mine - theirs).abs() - (atol + rtol * theirs.abs());
        if (excess.max().item<double>() <= 0) return;

        long flat = excess.argmax().item<long>();
        string at = Index(mine, flat);
        double expectedValue = theirs.flatten()[flat].item<double>();
        double gotValue = mine.flatten()[flat].item<double>();
        string summary = $"{what} differs from {against}: worst element {at}: expected {Number(expectedValue)}, got {Number(gotValue)}";
        if (Pattern(mine, theirs, atol, rtol) is string pattern) summary += $" ({pattern})";
        throw new CheckFailedException(summary, Numbers(what, mine, theirs, against));
    }

    /// <summary>Two lists of numbers equal within a relative tolerance, or the first place they part.</summary>
    public static void Close(string what, IReadOnlyList<double>? got, IReadOnlyList<double> expected, string against, double rtol = 1e-7, double atol = 0)
    {
        if (got is null) throw new CheckFailedException($"{what} is null; return the list");
        string Show(IEnumerable<double> values) => "[" + string.Join(", ", values.Take(8).Select(Number)) + (values.Count() > 8 ? ", …" : "") + "]";
        if (got.Count != expected.Count)
            throw new CheckFailedException($"{what} has {got.Count} values, but {against} has {expected.Count}", [$"expected: {Show(expected)}", $"got:      {Show(got)}"]);
        for (int i = 0; i < got.Count; i++)
        {
            if (Math.Abs(got[i] - expected[i]) <= atol + rtol * Math.Abs(expected[i])) continue;
            string summary = $"{what} differs from {against} first at [{i}]: expected {Number(expected[i])}, got {Number(got[i])}";
            if (Accumulated(got, expected)) summary += " (each value is the sum of the ones before: the gradient accumulated, a forgotten zero_()?)";
            throw new CheckFailedException(summary, [$"expected: {Show(expected)}", $"got:      {Show(got)}"]);
        }
    }

    /// <summary>Fails with <paramref name="problem"/> unless <paramref name="condition"/> holds.</summary>
    public static void That(bool condition, string problem)
    {
        if (!condition) throw new CheckFailedException(problem);
    }

    // The common slips, recognised from the numbers.
    static string? Pattern(Tensor got, Tensor expected, double atol, double rtol)
    {
        if (torch.allclose(got, -expected, rtol, atol) && expected.abs().max().item<double>() > 0)
            return "the sign is flipped";
        double scale = (got * expected).sum().item<double>() / Math.Max((expected * expected).sum().item<double>(), double.Epsilon);
        if (Math.Abs(scale - Math.Round(scale)) < 1e-6 && Math.Round(scale) >= 2 && torch.allclose(got, expected * Math.Round(scale), rtol, atol))
            return $"{Math.Round(scale):0} times the expected value";
        if (Math.Abs(scale - 0.5) < 1e-9 && torch.allclose(got, expected * 0.5, rtol, atol))
            return "half the expected value: a factor 2 missing?";
        // got = expected / K: a mean over every element where the tutorial sums, or divides by N only.
        double divisor = 1 / Math.Max(scale, double.Epsilon);
        if (scale > 0 && Math.Round(divisor) >= 3 && Math.Abs(divisor - Math.Round(divisor)) < 1e-6 && torch.allclose(got * Math.Round(divisor), expected, rtol, atol))
            return $"1/{Math.Round(divisor):0} of the expected value: a .mean() where the tutorial sums, or divides by N only?";
        return null;
    }

    // w.grad without zero_(): 5, 10, 15 where 5, 5, 5 was due.
    static bool Accumulated(IReadOnlyList<double> got, IReadOnlyList<double> expected)
    {
        double sum = 0;
        for (int i = 0; i < got.Count; i++)
        {
            sum += expected[i];
            if (Math.Abs(got[i] - sum) > 1e-6 * Math.Max(1, Math.Abs(sum))) return false;
        }
        return got.Count > 1;
    }

    static IReadOnlyList<string> Numbers(string what, Tensor mine, Tensor theirs, string against) =>
        mine.numel() <= 12
            ? [$"expected ({against}): {TensorText.Format(theirs)}", $"got ({what}): {TensorText.Format(mine)}"]
            : [];

    static string Index(Tensor tensor, Tensor flat) => Index(tensor, flat.item<long>());

    // A flat index as a multi-dimensional one: [3, 7].
    static string Index(Tensor tensor, long flat)
    {
        long[] shape = tensor.shape;
        var index = new long[shape.Length];
        for (int d = shape.Length - 1; d >= 0; d--)
        {
            index[d] = flat % shape[d];
            flat /= shape[d];
        }
        return Shape(index);
    }

    public static string Number(double value) => value.ToString("G6", CultureInfo.InvariantCulture);
}
