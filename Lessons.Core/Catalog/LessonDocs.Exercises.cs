using System.Text;
using Lessons.Core.Exercises;

namespace Lessons.Core.Catalog;

public static partial class LessonDocs
{
    /// <summary>The exercises folder as the page links it (the page is in docs/).</summary>
    const string ExercisesFromDocs = "../exercises/";

    /// <summary>Under a lesson's heading: the exercise that practises its idea, linked, with the command that checks it.</summary>
    static void AppendExercise(StringBuilder text, Lesson lesson)
    {
        foreach (Exercise exercise in ExerciseBook.All.Where(e => e.LessonId == lesson.Id && e.Chapter == ExerciseChapter.Tutorials))
        {
            text.AppendLine($"Exercise: [`{exercise.FileName}`]({ExercisesFromDocs}{exercise.FileName}), {exercise.Task}; "
                + $"check it with `dotnet run --project Lessons.Cli -- check {exercise.Id}` (see [Exercises](../README.md#exercises)).");
            text.AppendLine();
        }
    }

    /// <summary>The index's last section: the capstone chapter, its steps in order, each with the tutorial idea it builds on.</summary>
    static void AppendCapstone(StringBuilder text)
    {
        var steps = ExerciseBook.All.Where(e => e.Chapter == ExerciseChapter.OwnEngine).ToList();
        if (steps.Count == 0) return;
        text.AppendLine();
        text.AppendLine("## Capstone: build your own autograd engine");
        text.AppendLine();
        text.AppendLine(Paragraph($"""
            After the seven exercises beside the lessons, {steps.Count} more build a scalar autograd engine in C#, step by
            step, each file compiled with the earlier ones. Every check runs libtorch on the same expression in float64
            and compares every value and gradient to 1e-12: on the tutorials' examples first, then on expressions from a
            seeded generator; the last trains a small MLP with your engine and with TorchSharp from the same weights.
            """));
        text.AppendLine();
        text.AppendLine("| exercise | what you write | builds on |");
        text.AppendLine("| --- | --- | --- |");
        foreach (Exercise exercise in steps)
            text.AppendLine($"| [`{exercise.FileName}`]({ExercisesFromDocs}{exercise.FileName}) | {exercise.Task} | [{exercise.LessonId}](tutorial-{exercise.Source.File[..3]}.md#{exercise.LessonId}) ({exercise.Source.File[..3]}) |");
        text.AppendLine();
        text.AppendLine("Check one with `dotnet run --project Lessons.Cli -- check <id or number>` (see [Exercises](../README.md#exercises)).");
    }
}
