using System.Reflection;
using Lessons.Core.Catalog;

namespace Lessons.Core.Exercises;

/// <summary>
/// An exercise: a small C# file with a gap (a <c>// TODO</c> that throws NotImplementedException)
/// which the learner fills, and the checks that say whether the gap is filled right. The file
/// itself lives in <c>exercises/</c> (its original, the stub, travels inside the program); this
/// class holds what the checker needs: the lesson that shows the idea, a hint, and the checks,
/// which compare the learner's code with autograd itself, gradcheck, or the tutorial's values.
/// </summary>
public abstract class Exercise
{
    /// <summary>Kebab-case id used on the command line: <c>relu-backward</c>.</summary>
    public abstract string Id { get; }

    /// <summary>The lesson whose code shows the answer's idea; its tutorial section is the exercise's.</summary>
    public abstract string LessonId { get; }

    /// <summary>What to write, in a few words: "write MyReLU's backward".</summary>
    public abstract string Task { get; }

    /// <summary>One or two sentences that point the way without giving the code.</summary>
    public abstract string Hint { get; }

    /// <summary>The checks, in order; each throws <see cref="CheckFailedException"/> when the learner's code is wrong.</summary>
    public abstract IReadOnlyList<ExerciseCheck> Checks { get; }

    public Lesson Lesson => LessonCatalog.Get(LessonId);

    public LessonSource Source => Lesson.Source;

    /// <summary>Its place in the course, from 1.</summary>
    public int Number => ExerciseBook.Number(this);

    /// <summary>The file's name in <c>exercises/</c>: its number, so a listing shows the course's order, and its id.</summary>
    public string FileName => $"{Number:00}-{Id}.cs";

    /// <summary>The original file with its gap, as shipped.</summary>
    public string Stub => ExerciseBook.Stub(this);
}

/// <summary>One check: a name that says what it proves (shown with ✔ or ✘) and the code that proves it.</summary>
public sealed record ExerciseCheck(string Name, Action<LearnerCode> Run);

/// <summary>The learner's code gave a wrong answer: one summary line and, optionally, lines with the numbers.</summary>
public sealed class CheckFailedException(string summary, IReadOnlyList<string>? details = null) : Exception(summary)
{
    public IReadOnlyList<string> Details { get; } = details ?? [];
}

/// <summary>Input that names no exercise, or a folder that is not an exercises folder: a usage error.</summary>
public sealed class ExerciseUsageException(string message) : Exception(message);

/// <summary>Every <see cref="Exercise"/> in this assembly, found by reflection, in the course's order (that of their lessons).</summary>
public static class ExerciseBook
{
    static readonly Lazy<IReadOnlyList<Exercise>> all = new(Discover);

    public static IReadOnlyList<Exercise> All => all.Value;

    public static Exercise? Find(string id) => All.FirstOrDefault(e => e.Id == id);

    /// <summary>The exercise with this id, or a usage error naming them all.</summary>
    public static Exercise Get(string id) => Find(id) ?? throw new ExerciseUsageException(
        $"unknown exercise '{id}'; the exercises are {string.Join(", ", All.Select(e => e.Id))}");

    internal static int Number(Exercise exercise) => All.ToList().FindIndex(e => e.Id == exercise.Id) + 1;

    /// <summary>Where the stubs are embedded: <c>ExerciseStubs/&lt;id&gt;.cs</c>, apart from the lessons' sources (<c>Lessons.Core/…</c>), which the docs parse.</summary>
    public const string StubResourcePrefix = "ExerciseStubs/";

    internal static string Stub(Exercise exercise)
    {
        using Stream stream = typeof(ExerciseBook).Assembly.GetManifestResourceStream(StubResourcePrefix + exercise.Id + ".cs")
            ?? throw new InvalidOperationException($"the stub of exercise '{exercise.Id}' is not embedded in Lessons.Core");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    static IReadOnlyList<Exercise> Discover()
    {
        var lessons = LessonCatalog.All.Select(l => l.Id).ToList();
        var exercises = typeof(Exercise).Assembly.GetTypes()
            .Where(t => t.IsSubclassOf(typeof(Exercise)) && !t.IsAbstract)
            .Select(t => (Exercise)Activator.CreateInstance(t)!)
            .ToList();
        foreach (Exercise exercise in exercises)
            if (!lessons.Contains(exercise.LessonId))
                throw new InvalidOperationException($"exercise '{exercise.Id}' names lesson '{exercise.LessonId}', which is not in the catalogue");
        return exercises
            .OrderBy(e => lessons.IndexOf(e.LessonId))
            .ThenBy(e => e.Id, StringComparer.Ordinal)
            .ToList();
    }
}
