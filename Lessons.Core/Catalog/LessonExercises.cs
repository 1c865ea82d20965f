using System.Collections.Concurrent;
using Lessons.Core.Figures;

namespace Lessons.Core.Catalog;

/// <summary>One run of a lesson with other settings, as an exercise asks for.</summary>
/// <param name="Slug">Names its figure files: <c>mean-value-1</c>.</param>
/// <param name="Assignments">The <c>--set</c> assignments, e.g. <c>mean_value=1</c>.</param>
public sealed record LessonVariant(string Slug, params string[] Assignments)
{
    public string Settings => Assignments.Length == 0 ? "the defaults" : string.Join(" ", Assignments.Select(a => $"--set {a}"));
}

/// <summary>A column of an exercise's table: its header and how to read the value from a run.</summary>
public sealed record ExerciseColumn(string Header, Func<LessonRun, string> Value);

/// <summary>
/// A tutorial's exercises (思考) answered by running: the lesson with the settings the exercises
/// ask about, a table read from those runs, a figure of each, and a short answer. The docs page
/// runs the variants when it is generated; a small class beside the lesson, found by reflection.
/// </summary>
public abstract class LessonExercises
{
    public abstract string LessonId { get; }

    /// <summary>The exercises, in the tutorial's words (with a translation).</summary>
    public abstract IReadOnlyList<string> Questions { get; }

    public abstract IReadOnlyList<LessonVariant> Variants { get; }

    public abstract IReadOnlyList<ExerciseColumn> Columns { get; }

    /// <summary>Which of the lesson's figures shows each variant (its name after the lesson's id), or null for none.</summary>
    public virtual string? Figure => null;

    /// <summary>What the runs show, in this project's words.</summary>
    public abstract string Answer { get; }

    /// <summary>How the page introduces the questions: the tutorial's exercises (思考) by default.</summary>
    public virtual string Heading => "思考, answered by running.";

    /// <summary>Figures drawn from all the variants' runs together (in <see cref="Variants"/>' order); none by default.</summary>
    public virtual IEnumerable<Figure> Summary(IReadOnlyList<LessonRun> runs) => [];

    /// <summary>Every variant's run, in order.</summary>
    public IReadOnlyList<LessonRun> RunAll() => Variants.Select(Run).ToList();

    static readonly ConcurrentDictionary<string, Lazy<LessonRun>> runs = new();

    /// <summary>The variant's run, made once per process (lessons are deterministic for given settings).</summary>
    public LessonRun Run(LessonVariant variant) =>
        runs.GetOrAdd(LessonId + " " + string.Join(" ", variant.Assignments), _ => new Lazy<LessonRun>(() =>
            LessonRunner.Run(LessonId, new LessonSettings { Assignments = variant.Assignments }))).Value;
}

/// <summary>Every <see cref="LessonExercises"/> in this assembly, by lesson id.</summary>
public static class ExerciseCatalog
{
    static readonly Lazy<IReadOnlyDictionary<string, LessonExercises>> all = new(() =>
        Discovered.All<LessonExercises>().ToDictionary(e => e.LessonId));

    public static IReadOnlyDictionary<string, LessonExercises> All => all.Value;

    public static LessonExercises? For(string lessonId) => All.GetValueOrDefault(lessonId);
}
