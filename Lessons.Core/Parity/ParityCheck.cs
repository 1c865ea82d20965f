using System.Collections;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Lessons.Core.Catalog;

namespace Lessons.Core.Parity;

/// <summary>The verdict on one documented value, and the tolerance it was judged with.</summary>
public sealed record ParityOutcome(ExpectedValue Value, bool Passed, string Actual, string Expected)
{
    public string Tolerance { get; init; } = Value.ToleranceText;
}

/// <summary>
/// Compares a lesson run with its documented values; shared by the tests and the CLI. Under the
/// pinned reference kernels every value is judged as documented (exactly, or with its own
/// tolerance). Under other kernels (another architecture, <c>--kernels native</c>) last digits
/// legitimately differ, so a value that misses is judged again with
/// <see cref="NumericTolerance.AcrossKernels"/>, and the verdict says so.
/// </summary>
public static class ParityCheck
{
    public static IReadOnlyList<ParityOutcome> Compare(LessonRun run, ExpectedFile expected) =>
        expected.Values.Select(value => Compare(run, value)).ToList();

    static ParityOutcome Compare(LessonRun run, ExpectedValue value)
    {
        NumericTolerance? acrossKernels = run.Kernels.IsReference ? null : NumericTolerance.AcrossKernels;
        string relaxed = $"{value.ToleranceText}, else {acrossKernels} (kernels {run.Kernels} are not the reference)";
        if (value.Line is string line)
        {
            if (run.Transcript.Contains(line, StringComparer.Ordinal)) return new ParityOutcome(value, true, line, line);
            string? close = acrossKernels is null ? null
                : run.Transcript.FirstOrDefault(candidate => NumericTextComparison.LinesAgree(line, candidate, acrossKernels));
            return close is null
                ? new ParityOutcome(value, false, "(no such line in the transcript)", line)
                : new ParityOutcome(value, true, close, line) { Tolerance = relaxed };
        }
        string name = value.Result!;
        if (!run.Results.TryGetValue(name, out object? actual))
            return new ParityOutcome(value, false, "(not recorded)", Describe(value));
        if (value.AtMost is double max) return new ParityOutcome(value, actual is double a && a <= max, Show(actual), Describe(value));
        if (value.AtLeast is double min) return new ParityOutcome(value, actual is double b && b >= min, Show(actual), Describe(value));
        if (Matches(actual, value.Expected, value, null)) return new ParityOutcome(value, true, Show(actual), Describe(value));
        bool closeEnough = acrossKernels is not null && Matches(actual, value.Expected, value, acrossKernels);
        return new ParityOutcome(value, closeEnough, Show(actual), Describe(value)) { Tolerance = closeEnough ? relaxed : value.ToleranceText };
    }

    static string Describe(ExpectedValue value) =>
        value.AtMost is double max ? $"<= {Show(max)}"
        : value.AtLeast is double min ? $">= {Show(min)}"
        : value.Expected?.ToJsonString() ?? "null";

    static bool Matches(object? actual, JsonNode? expected, ExpectedValue tolerance, NumericTolerance? acrossKernels)
    {
        if (expected is null) return actual is null;
        if (expected is JsonArray array)
        {
            if (actual is not IList list || list.Count != array.Count) return false;
            for (int i = 0; i < array.Count; i++)
                if (!Matches(list[i], array[i], tolerance, acrossKernels)) return false;
            return true;
        }
        JsonValue scalar = expected.AsValue();
        switch (scalar.GetValueKind())
        {
            case JsonValueKind.True or JsonValueKind.False:
                return actual is bool b && b == scalar.GetValue<bool>();
            case JsonValueKind.String:
                return actual is string s && (s == scalar.GetValue<string>()
                    || acrossKernels is not null && NumericTextComparison.LinesAgree(scalar.GetValue<string>(), s, acrossKernels));
            case JsonValueKind.Number:
                double want = scalar.GetValue<double>();
                double? got = actual switch { double d => d, long l => l, _ => null };
                return got is double g && (Close(g, want, tolerance) || acrossKernels is not null && acrossKernels.Allows(want, g));
            default:
                return false;
        }
    }

    static bool Close(double actual, double expected, ExpectedValue tolerance)
    {
        if (actual == expected) return true;
        double difference = Math.Abs(actual - expected);
        if (tolerance.AbsoluteTolerance is double abs && difference <= abs) return true;
        if (tolerance.RelativeTolerance is double rel && difference <= rel * Math.Abs(expected)) return true;
        return false;
    }

    public static string Show(object? value) => value switch
    {
        null => "null",
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        bool b => b ? "true" : "false",
        string s => JsonSerializer.Serialize(s),
        IEnumerable list => "[" + string.Join(", ", list.Cast<object?>().Select(Show)) + "]",
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "",
    };
}
