using System.Collections;
using Lessons.Core.Catalog;

namespace Lessons.Core.Figures;

/// <summary>Typed reads of a run's recorded results, for figures.</summary>
public static class RunResults
{
    public static double Number(this LessonRun run, string name) => ToDouble(Get(run, name));

    public static double[] Numbers(this LessonRun run, string name) =>
        ((IList)Get(run, name)!).Cast<object?>().Select(ToDouble).ToArray();

    public static double[][] Rows(this LessonRun run, string name) =>
        ((IList)Get(run, name)!).Cast<IList>().Select(row => row.Cast<object?>().Select(ToDouble).ToArray()).ToArray();

    public static bool Has(this LessonRun run, string name) => run.Results.ContainsKey(name);

    static object? Get(LessonRun run, string name) =>
        run.Results.TryGetValue(name, out object? value)
            ? value
            : throw new KeyNotFoundException($"lesson '{run.Lesson.Id}' recorded no result '{name}' for its figures");

    static double ToDouble(object? value) => value switch
    {
        double d => d,
        long l => l,
        bool b => b ? 1 : 0,
        _ => throw new InvalidCastException($"result value {value ?? "null"} is not a number"),
    };
}
