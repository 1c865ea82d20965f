using Lessons.Core.Catalog;

namespace Lessons.Core.Parity;

/// <summary>The parity verdict on one lesson: each documented value, or why none could be compared.</summary>
public sealed record LessonParity(Lesson Lesson, IReadOnlyList<ParityOutcome> Outcomes, string? Problem)
{
    public bool Passed => Problem is null && Outcomes.Count > 0 && Outcomes.All(o => o.Passed);
}

/// <summary>Runs lessons and compares them with their data/expected files: the one verdict for CI.</summary>
public static class ParityReport
{
    public static LessonParity Check(Lesson lesson, LessonSettings settings, string? expectedDirectory = null)
    {
        string path = ExpectedFile.PathFor(lesson.Id, expectedDirectory);
        if (!File.Exists(path))
            return new LessonParity(lesson, [], $"no expected file data/expected/{lesson.Id}.json");
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
