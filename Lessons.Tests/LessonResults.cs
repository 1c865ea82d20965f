using System.Collections;
using System.Globalization;
using Lessons.Core.Catalog;

namespace Lessons.Tests;

/// <summary>The tests' one way to run a lesson at given options and read its recorded results as numbers.</summary>
static class LessonResults
{
    public static LessonRun Run(string id, params string[] assignments) =>
        LessonRunner.Run(id, new LessonSettings { Assignments = assignments });

    /// <summary>A recorded number, or the numbers of a list (nested lists flattened, in order).</summary>
    public static double[] Numbers(object? value) => value switch
    {
        null => throw new ArgumentException("not a number or a list of numbers: null"),
        string text => throw new ArgumentException($"not a number or a list of numbers: '{text}'"),
        IEnumerable list => list.Cast<object?>().SelectMany(Numbers).ToArray(),
        _ => [Convert.ToDouble(value, CultureInfo.InvariantCulture)],
    };

    /// <summary>The numbers of one named result.</summary>
    public static double[] Numbers(LessonRun run, string result) => Numbers(run.Results[result]);

    /// <summary>A list of points (or rows): each element's numbers.</summary>
    public static double[][] Points(object? value) =>
        ((IEnumerable)value!).Cast<object?>().Select(Numbers).ToArray();

    /// <summary>One named result that is a single number.</summary>
    public static double Number(LessonRun run, string result) => (double)run.Results[result]!;
}
