using System.CommandLine;
using System.Globalization;
using Lessons.Core.Catalog;
using Lessons.Core.Exercises;

namespace Lessons.Cli;

/// <summary>
/// The exercises' commands: <c>exercises</c> (list with status, <c>--reset &lt;id&gt;</c>),
/// <c>check [&lt;id&gt;]</c> (with <c>--watch</c>) and <c>hint &lt;id&gt;</c>.
/// </summary>
public static class ExerciseCommands
{
    static Option<string?> FolderOption() => new("--exercises")
    {
        Description = "The folder with the exercise files (default: exercises/ in the current folder or the nearest folder above that has one).",
    };

    static Option<int> TimeoutOption()
    {
        var timeout = new Option<int>("--timeout")
        {
            Description = $"Seconds each check may run before the learner's code is stopped (default {ExerciseRun.DefaultSeconds}).",
            DefaultValueFactory = _ => ExerciseRun.DefaultSeconds,
        };
        timeout.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() < 1) result.AddError($"--timeout needs a number of seconds of at least 1, got {result.GetValueOrDefault<int>()}");
        });
        return timeout;
    }

    public static Command Exercises(CliConsole console)
    {
        var folderOption = FolderOption();
        var reset = new Option<string?>("--reset") { Description = "Restore this exercise's file to the stub as shipped, after copying yours aside (to <file>.<time>.bak)." };
        var timeout = TimeoutOption();
        var command = new Command("exercises", "List the exercises: number, id, status (not started, failing, passing) and tutorial section.") { folderOption, reset, timeout };
        command.SetAction(parsed => Guarded(console, () =>
        {
            ExerciseFolder folder = ExerciseFolder.Locate(parsed.GetValue(folderOption));
            if (parsed.GetValue(reset) is string id) return Reset(console, folder, ExerciseBook.Get(id));
            TimeSpan limit = TimeSpan.FromSeconds(parsed.GetValue(timeout));
            int width = ExerciseBook.All.Max(e => e.Id.Length);
            foreach (Exercise exercise in ExerciseBook.All)
            {
                string status = Status(console, folder, exercise, limit);
                console.Out.WriteLine($"{exercise.Number:00}  {exercise.Id.PadRight(width)}  {status,-11}  {Section(exercise)}");
            }
            return ExitCodes.Ok;
        }));
        return command;
    }

    public static Command Check(CliConsole console)
    {
        var id = new Argument<string?>("id") { Description = "The exercise (see 'exercises'); without it, the first one not yet passing.", Arity = ArgumentArity.ZeroOrOne };
        var folderOption = FolderOption();
        var watch = new Option<bool>("--watch") { Description = "Check again whenever a file under exercises/ is saved, until Ctrl-C." };
        var timeout = TimeoutOption();
        var command = new Command("check", "Compile an exercise and run its checks: one line per check, and what was expected for the first failure.") { id, folderOption, watch, timeout };
        command.SetAction(parsed => Guarded(console, () =>
        {
            ExerciseFolder folder = ExerciseFolder.Locate(parsed.GetValue(folderOption));
            Exercise? chosen = parsed.GetValue(id) is string given ? ExerciseBook.Get(given) : null;
            int seconds = parsed.GetValue(timeout);
            if (parsed.GetValue(watch)) return ExerciseWatch.Run(console, folder, chosen, seconds);
            TimeSpan limit = TimeSpan.FromSeconds(seconds);
            if (chosen is not null) return ExitCode(ExerciseRun.Check(console, folder, chosen, limit));

            // The first exercise not yet passing; the ones before it in a line each.
            foreach (Exercise exercise in ExerciseBook.All)
            {
                if (!folder.IsUntouched(exercise) && File.Exists(folder.FileOf(exercise))
                    && ExerciseRun.Check(console, folder, exercise, limit, print: false) == ExerciseVerdict.Passing)
                {
                    console.Out.WriteLine($"✔ {exercise.Id} passes");
                    continue;
                }
                return ExitCode(ExerciseRun.Check(console, folder, exercise, limit));
            }
            console.Out.WriteLine($"All {ExerciseBook.All.Count} exercises pass.");
            return ExitCodes.Ok;
        }));
        return command;
    }

    public static Command Hint(CliConsole console)
    {
        var id = new Argument<string>("id") { Description = "The exercise (see 'exercises')." };
        var command = new Command("hint", "Give a hint for an exercise.") { id };
        command.SetAction(parsed => Guarded(console, () =>
        {
            Exercise exercise = ExerciseBook.Get(parsed.GetValue(id)!);
            console.Out.WriteLine($"{exercise.Id}: {exercise.Task}");
            console.Out.WriteLine(LessonDocs.Paragraph(exercise.Hint));
            console.Out.WriteLine($"The lesson {exercise.LessonId} shows the idea: `lessons lesson {exercise.LessonId} --code`.");
            return ExitCodes.Ok;
        }));
        return command;
    }

    public static int ExitCode(ExerciseVerdict verdict) => verdict switch
    {
        ExerciseVerdict.Passing => ExitCodes.Ok,
        ExerciseVerdict.DoesNotCompile => ExitCodes.DoesNotCompile,
        _ => ExitCodes.CheckFailed,
    };

    /// <summary>000 §1 1.numpy和pytorch实现梯度下降法 (numpy): the tutorial's number, section and heading.</summary>
    public static string Section(Exercise exercise) =>
        $"{exercise.Source.File[..3]}{(exercise.Source.Numbered ? $" §{exercise.Source.Section}" : "")} {exercise.Source.Heading}";

    static string Status(CliConsole console, ExerciseFolder folder, Exercise exercise, TimeSpan limit)
    {
        if (!File.Exists(folder.FileOf(exercise))) return "missing";
        if (folder.IsUntouched(exercise)) return "not started";
        return ExerciseRun.Check(console, folder, exercise, limit, print: false) == ExerciseVerdict.Passing ? "passing" : "failing";
    }

    static int Reset(CliConsole console, ExerciseFolder folder, Exercise exercise)
    {
        string file = folder.FileOf(exercise);
        string display = folder.DisplayPathOf(exercise);
        if (folder.IsUntouched(exercise))
        {
            console.Out.WriteLine($"{display} is already the stub; nothing to reset");
            return ExitCodes.Ok;
        }
        string? aside = null;
        if (File.Exists(file))
        {
            aside = $"{file}.{DateTime.Now.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture)}.bak";
            File.Copy(file, aside, overwrite: false);
        }
        // Written whole under another name, then moved over: a failure never leaves half a stub.
        string temporary = file + ".tmp";
        File.WriteAllText(temporary, exercise.Stub);
        File.Move(temporary, file, overwrite: true);
        console.Out.WriteLine(aside is null
            ? $"{display} written from the stub"
            : $"{display} is the stub again; your version is in {Path.Combine(Path.GetDirectoryName(display) ?? "", Path.GetFileName(aside))}");
        return ExitCodes.Ok;
    }

    // The command line's guard, with the exercises' usage errors worded and coded as every usage error.
    static int Guarded(CliConsole console, Func<int> action) =>
        LessonsCommandLine.Guarded(console, () =>
        {
            try
            {
                return action();
            }
            catch (ExerciseUsageException e)
            {
                throw new LessonUsageException(e.Message);
            }
        });
}
