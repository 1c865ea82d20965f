using Lessons.Core.Catalog;

namespace Lessons.Core.Parity;

/// <summary>The parity verdict on one lesson: each documented value, or why none could be compared.</summary>
public sealed record LessonParity(Lesson Lesson, IReadOnlyList<ParityOutcome> Outcomes, string? Problem)
{
    public bool Passed => Problem is null && Outcomes.Count > 0 && Outcomes.All(o => o.Passed);
}

/// <summary>One checked value as plain data: what the report shows, and what a child process sends its parent.</summary>
public sealed record ParityRow(string Value, string Documented, string Port, string Tolerance, bool Passed, string Source);

/// <summary>One lesson's verdict as plain data, whether it was checked in this process or in another.</summary>
public sealed record ParityVerdict(string Lesson, string? Problem, IReadOnlyList<ParityRow> Values)
{
    public bool Passed => Problem is null && Values.All(v => v.Passed);

    public static ParityVerdict From(LessonParity parity) => new(parity.Lesson.Id, parity.Problem,
        parity.Outcomes.Select(o => new ParityRow(o.Value.Label, o.Expected, o.Actual, o.Tolerance, o.Passed, o.Value.Source)).ToList());
}

/// <summary>Runs lessons and compares them with their data/expected files: the one verdict for CI.</summary>
public static class ParityReport
{
    public static LessonParity Check(Lesson lesson, LessonSettings settings, string? expectedDirectory = null)
    {
        string path = ExpectedFile.PathFor(lesson.Id, expectedDirectory);
        if (!File.Exists(path))
            return new LessonParity(lesson, [], $"no expected file {(expectedDirectory is null ? $"data/expected/{lesson.Id}.json" : path)}");
        ExpectedFile expected = ExpectedFile.Load(path);
        try
        {
            LessonRun run = LessonRunner.Run(lesson, settings);
            return new LessonParity(lesson, ParityCheck.Compare(run, expected), null);
        }
        catch (LessonDivergedException e)
        {
            return new LessonParity(lesson, [], e.Message);
        }
    }
}
