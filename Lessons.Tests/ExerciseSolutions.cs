using Lessons.Core.Exercises;

namespace Lessons.Tests;

/// <summary>The reference solutions (embedded in the tests), and the checker run on a file's text as the CLI runs it.</summary>
public static class ExerciseSolutions
{
    public static string For(string id)
    {
        using Stream stream = typeof(ExerciseSolutions).Assembly.GetManifestResourceStream($"ExerciseSolutions/{id}.cs")
            ?? throw new InvalidOperationException($"no reference solution for '{id}'");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    /// <summary>A solution with one piece of text replaced: a typical wrong answer. The text must be there.</summary>
    public static string Mutated(string id, string from, string to)
    {
        string solution = For(id);
        Assert.Contains(from, solution);
        return solution.Replace(from, to, StringComparison.Ordinal);
    }

    /// <summary>Compiles the text as the learner's file and runs every check, on this thread.</summary>
    public static IReadOnlyList<CheckResult> Check(string id, string source)
    {
        Exercise exercise = ExerciseBook.Get(id);
        // The capstone's earlier steps, as their reference solutions, compile with it.
        CompileOutcome outcome = ExerciseCompiler.Compile([.. exercise.CompiledWith.Select(e => new LearnerFile(For(e.Id), "exercises/" + e.FileName)),
            new LearnerFile(source, "exercises/" + exercise.FileName)]);
        Assert.True(outcome.Compiled, string.Join("\n", outcome.Errors));
        return ExerciseChecker.Run(exercise, outcome.Code!);
    }
}
