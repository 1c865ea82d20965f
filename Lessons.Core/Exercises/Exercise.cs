using System.Globalization;
using Lessons.Core.Catalog;

namespace Lessons.Core.Exercises;

/// <summary>The course's two chapters of exercises: the tutorials' ideas, then an autograd engine of your own.</summary>
public enum ExerciseChapter
{
    /// <summary>One exercise beside a lesson of the five tutorials.</summary>
    Tutorials,

    /// <summary>The capstone: a scalar autograd engine, written step by step and checked against libtorch's.</summary>
    OwnEngine,
}

/// <summary>
/// An exercise: a small C# file with a gap (a <c>// TODO</c> that throws NotImplementedException)
/// which the learner fills, and the checks that say whether the gap is filled right. The file
/// itself lives in <c>exercises/</c> (its original, the stub, travels inside the program); this
/// class holds what the checker needs: the lesson that shows the idea, three hints, and the checks,
/// which compare the learner's code with autograd itself, gradcheck, or the tutorial's values.
/// </summary>
public abstract class Exercise
{
    /// <summary>Kebab-case id used on the command line: <c>relu-backward</c>.</summary>
    public abstract string Id { get; }

    /// <summary>The lesson whose idea the exercise practises; its tutorial section is the exercise's.</summary>
    public abstract string LessonId { get; }

    /// <summary>What to write, in a few words: "write MyReLU's backward".</summary>
    public abstract string Task { get; }

    /// <summary>
    /// Three hints, each telling more: a nudge (where to look), the idea or the formula, then the
    /// code. <c>hint</c> gives the next one each time it is asked.
    /// </summary>
    public abstract IReadOnlyList<string> Hints { get; }

    /// <summary>A few sentences shown after the exercise passes: why the answer is right.</summary>
    public abstract string WhyItWorks { get; }

    /// <summary>The checks, in order; each throws <see cref="CheckFailedException"/> when the learner's code is wrong.</summary>
    public abstract IReadOnlyList<ExerciseCheck> Checks { get; }

    public virtual ExerciseChapter Chapter => ExerciseChapter.Tutorials;

    /// <summary>Its place within the capstone chapter (the order of the engine's dependencies); unused in the tutorials' chapter, ordered by lesson.</summary>
    public virtual int StepInChapter => 0;

    /// <summary>
    /// The earlier exercises whose files are compiled with this one, in order: the capstone's
    /// engine grows file by file (<c>partial class Value</c>), so a later step uses the learner's earlier ones.
    /// </summary>
    public IReadOnlyList<Exercise> CompiledWith =>
        Chapter == ExerciseChapter.OwnEngine
            ? ExerciseBook.All.Where(e => e.Chapter == Chapter && e.StepInChapter < StepInChapter).ToList()
            : [];

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

/// <summary>Every <see cref="Exercise"/> in this assembly, found by reflection, in the course's order (that of their lessons, then the capstone's steps).</summary>
public static class ExerciseBook
{
    static readonly Lazy<IReadOnlyList<Exercise>> all = new(Discover);

    public static IReadOnlyList<Exercise> All => all.Value;

    public static Exercise? Find(string id) => All.FirstOrDefault(e => e.Id == id);

    /// <summary>
    /// The exercise this text names: its id, its number (<c>6</c> or <c>06</c>) or its file's name
    /// (<c>06-relu-backward.cs</c>); else a usage error with the nearest id ("did you mean").
    /// </summary>
    public static Exercise Get(string text)
    {
        string given = text.Trim();
        if (given.Length > 0 && given.All(char.IsAsciiDigit))
        {
            if (int.TryParse(given, NumberStyles.None, CultureInfo.InvariantCulture, out int number) && number >= 1 && number <= All.Count)
                return All[number - 1];
            throw new ExerciseUsageException($"there is no exercise {given}: they are numbered 1 to {All.Count} (see 'exercises')");
        }
        string bare = Path.GetFileName(given);
        if (bare.EndsWith(".cs", StringComparison.Ordinal)) bare = bare[..^3];
        Exercise? found = Find(given) ?? All.FirstOrDefault(e => e.FileName == bare + ".cs");
        if (found is not null) return found;
        string? near = Nearest(given);
        throw new ExerciseUsageException($"unknown exercise '{text}'; "
            + (near is null ? "" : $"did you mean {near}? ")
            + $"the exercises are {string.Join(", ", All.Select(e => e.Id))} (or their numbers, 1 to {All.Count})");
    }

    /// <summary>The id closest to a mistyped one: within a few edits, or one containing it; null when none is close.</summary>
    public static string? Nearest(string text)
    {
        string lower = text.ToLowerInvariant();
        var scored = All.Select(e => (e.Id, Distance: Edits(lower, e.Id))).OrderBy(s => s.Distance).ToList();
        if (scored[0].Distance <= Math.Max(2, lower.Length / 3)) return scored[0].Id;
        return lower.Length >= 3 ? All.Select(e => e.Id).FirstOrDefault(id => id.Contains(lower, StringComparison.Ordinal)) : null;
    }

    // Levenshtein distance: insertions, deletions and substitutions.
    static int Edits(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (int j = 0; j <= b.Length; j++) previous[j] = j;
        for (int i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (int j = 1; j <= b.Length; j++)
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            (previous, current) = (current, previous);
        }
        return previous[b.Length];
    }

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
        {
            if (!lessons.Contains(exercise.LessonId))
                throw new InvalidOperationException($"exercise '{exercise.Id}' names lesson '{exercise.LessonId}', which is not in the catalogue");
            if (exercise.Hints.Count != 3)
                throw new InvalidOperationException($"exercise '{exercise.Id}' has {exercise.Hints.Count} hints; each has three (a nudge, the idea, the code)");
        }
        return exercises
            .OrderBy(e => e.Chapter)
            .ThenBy(e => e.Chapter == ExerciseChapter.Tutorials ? lessons.IndexOf(e.LessonId) : e.StepInChapter)
            .ThenBy(e => e.Id, StringComparer.Ordinal)
            .ToList();
    }
}
