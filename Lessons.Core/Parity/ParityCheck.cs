using System.Collections;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Lessons.Core.Catalog;

namespace Lessons.Core.Parity;

/// <summary>The verdict on one documented value.</summary>
public sealed record ParityOutcome(ExpectedValue Value, bool Passed, string Actual, string Expected);

/// <summary>Compares a lesson run with its documented values; shared by the tests and the CLI.</summary>
public static class ParityCheck
{
    public static IReadOnlyList<ParityOutcome> Compare(LessonRun run, ExpectedFile expected) =>
        expected.Values.Select(value => Compare(run, value)).ToList();

    static ParityOutcome Compare(LessonRun run, ExpectedValue value)
    {
        if (value.Line is string line)
        {
            bool found = run.Transcript.Contains(line, StringComparer.Ordinal);
            return new ParityOutcome(value, found, found ? line : "(no such line in the transcript)", line);
        }
        string name = value.Result!;
        if (!run.Results.TryGetValue(name, out object? actual))
            return new ParityOutcome(value, false, "(not recorded)", Describe(value));
        bool passed = value.AtMost is double max ? actual is double a && a <= max
            : value.AtLeast is double min ? actual is double b && b >= min
            : Matches(actual, value.Expected, value);
        return new ParityOutcome(value, passed, Show(actual), Describe(value));
    }

    static string Describe(ExpectedValue value) =>
        value.AtMost is double max ? $"<= {Show(max)}"
        : value.AtLeast is double min ? $">= {Show(min)}"
        : value.Expected?.ToJsonString() ?? "null";

    static bool Matches(object? actual, JsonNode? expected, ExpectedValue tolerance)
    {
        if (expected is null) return actual is null;
        if (expected is JsonArray array)
        {
            if (actual is not IList list || list.Count != array.Count) return false;
            for (int i = 0; i < array.Count; i++)
                if (!Matches(list[i], array[i], tolerance)) return false;
            return true;
        }
        JsonValue scalar = expected.AsValue();
        switch (scalar.GetValueKind())
        {
            case JsonValueKind.True or JsonValueKind.False:
                return actual is bool b && b == scalar.GetValue<bool>();
            case JsonValueKind.String:
                return actual is string s && s == scalar.GetValue<string>();
            case JsonValueKind.Number:
                double want = scalar.GetValue<double>();
                double? got = actual switch { double d => d, long l => l, _ => null };
                return got is double g && Close(g, want, tolerance);
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
