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
        foreach (Exercise exercise in ExerciseBook.All.Where(e => e.LessonId == lesson.Id))
        {
            text.AppendLine($"Exercise: [`{exercise.FileName}`]({ExercisesFromDocs}{exercise.FileName}), {exercise.Task}; "
                + $"check it with `dotnet run --project Lessons.Cli -- check {exercise.Id}` (see [Exercises](../README.md#exercises)).");
            text.AppendLine();
        }
    }
}
