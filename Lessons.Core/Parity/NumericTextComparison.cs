using System.Globalization;
using System.Text.RegularExpressions;

namespace Lessons.Core.Parity;

/// <summary>How far apart two printed numbers may be: |a - b| &lt;= Absolute + Relative · max(|a|, |b|).</summary>
public sealed record NumericTolerance(double Relative, double Absolute)
{
    /// <summary>
    /// Between kernel sets (pinned against a CPU's native kernels, or another architecture): float32
    /// training over hundreds of steps drifts in the fourth digit, and losses that fall to 1e-5 drift
    /// by a few percent of themselves. Measured: every number of docs/lessons.md regenerated with
    /// AVX-512 kernels lies within 1e-3 relative or 1e-5 absolute of the pinned page.
    /// </summary>
    public static readonly NumericTolerance AcrossKernels = new(1e-3, 1e-5);

    public bool Allows(double expected, double actual) =>
        expected.Equals(actual) || Math.Abs(expected - actual) <= Absolute + Relative * Math.Max(Math.Abs(expected), Math.Abs(actual));

    public override string ToString() =>
        $"rel {Relative.ToString("R", CultureInfo.InvariantCulture).ToLowerInvariant()} or abs {Absolute.ToString("R", CultureInfo.InvariantCulture).ToLowerInvariant()}";
}

/// <summary>One line where two texts differ; <see cref="WithinTolerance"/> when only numbers differ, and by no more than allowed.</summary>
public sealed record LineDifference(int LineNumber, string? Expected, string? Actual, bool WithinTolerance)
{
    public override string ToString() => $"line {LineNumber}: expected \"{Expected}\", got \"{Actual}\"";
}

/// <summary>
/// Compares two texts line by line where digits may legitimately differ: the words must be the
/// same, and each number within a tolerance of its counterpart.
/// </summary>
public static partial class NumericTextComparison
{
    public static IReadOnlyList<LineDifference> Compare(string expected, string actual, NumericTolerance tolerance)
    {
        string[] expectedLines = expected.ReplaceLineEndings("\n").Split('\n');
        string[] actualLines = actual.ReplaceLineEndings("\n").Split('\n');
        var differences = new List<LineDifference>();
        for (int i = 0; i < Math.Max(expectedLines.Length, actualLines.Length); i++)
        {
            string? want = i < expectedLines.Length ? expectedLines[i] : null;
            string? got = i < actualLines.Length ? actualLines[i] : null;
            if (want == got) continue;
            differences.Add(new LineDifference(i + 1, want, got, want is not null && got is not null && LinesAgree(want, got, tolerance)));
        }
        return differences;
    }

    /// <summary>True when the lines have the same words and each number agrees within the tolerance.</summary>
    public static bool LinesAgree(string expected, string actual, NumericTolerance tolerance)
    {
        if (Number().Replace(expected, "#") != Number().Replace(actual, "#")) return false;
        var wanted = Number().Matches(expected);
        var got = Number().Matches(actual);
        for (int i = 0; i < wanted.Count; i++)
        {
            if (!double.TryParse(wanted[i].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out double a)
                || !double.TryParse(got[i].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out double b)
                || !tolerance.Allows(a, b))
                return false;
        }
        return true;
    }

    // Decimal numbers as Python and PyTorch print them: 12, -0.5, 3., .25, 1.5e-08.
    [GeneratedRegex(@"[-+]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?")]
    private static partial Regex Number();
}
