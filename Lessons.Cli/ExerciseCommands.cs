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
        WholeNumbers.Require(timeout, 1, 86400); // seconds: up to a day
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
            int seconds = parsed.GetValue(timeout);
            int width = ExerciseBook.All.Max(e => e.Id.Length);
            // Each started exercise is checked in a process of its own, several at once, as lessons are run.
            var statuses = new string[ExerciseBook.All.Count];
            Parallel.For(0, statuses.Length, new ParallelOptions { MaxDegreeOfParallelism = LessonBatch.DefaultJobs(statuses.Length) },
                i => statuses[i] = Status(console, folder, ExerciseBook.All[i], seconds));
            foreach (Exercise exercise in ExerciseBook.All)
                console.Out.WriteLine($"{exercise.Number:00}  {exercise.Id.PadRight(width)}  {statuses[exercise.Number - 1],-11}  {Section(exercise)}");
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
        // The child's side of ExerciseProcess: run the checks here, in this process.
        var here = new Option<bool>(ExerciseProcess.InThisProcess) { Hidden = true };
        var command = new Command("check", "Compile an exercise and run its checks: one line per check, and what was expected for the first failure.") { id, folderOption, watch, timeout, here };
        command.SetAction(parsed => Guarded(console, () =>
        {
            ExerciseFolder folder = ExerciseFolder.Locate(parsed.GetValue(folderOption));
            Exercise? chosen = parsed.GetValue(id) is string given ? ExerciseBook.Get(given) : null;
            int seconds = parsed.GetValue(timeout);
            if (parsed.GetValue(here))
            {
                if (chosen is null) throw new ExerciseUsageException($"{ExerciseProcess.InThisProcess} needs an exercise id");
                int code = ExitCode(ExerciseRun.Check(console, folder, chosen, TimeSpan.FromSeconds(seconds)));
                if (ExerciseRun.LeftRunning && !OperatingSystem.IsWindows()) ExerciseRun.ExitNow(console, code);
                return code;
            }
            if (parsed.GetValue(watch)) return ExerciseWatch.Run(console, folder, chosen, seconds);
            Exercise? target = chosen ?? FirstUnfinished(console, folder, seconds);
            return target is null ? ExitCodes.Ok : Isolated(console, folder, target, seconds);
        }));
        return command;
    }

    /// <summary>
    /// The first exercise not yet passing, in course order: an untouched or missing file, or one
    /// whose checks fail; null, after saying so, when every one passes. Each one passing on the way gets a line.
    /// </summary>
    public static Exercise? FirstUnfinished(CliConsole console, ExerciseFolder folder, int seconds)
    {
        foreach (Exercise exercise in ExerciseBook.All)
        {
            if (!File.Exists(folder.FileOf(exercise)) || folder.IsUntouched(exercise) || Quietly(console, folder, exercise, seconds) != ExitCodes.Ok)
                return exercise;
            console.Out.WriteLine($"✔ {exercise.Id} passes");
        }
        console.Out.WriteLine($"All {ExerciseBook.All.Count} exercises pass.");
        return null;
    }

    /// <summary>Checks the exercise in a child process, relaying what it prints; Ctrl-C stops it.</summary>
    static int Isolated(CliConsole console, ExerciseFolder folder, Exercise exercise, int seconds)
    {
        if (!File.Exists(folder.FileOf(exercise)))
            throw new ExerciseUsageException($"{folder.DisplayPathOf(exercise)} is missing; `exercises --reset {exercise.Id}` writes the stub again");
        ExerciseProcess child = ExerciseProcess.Start(console, new Lock(), folder, exercise, seconds);
        try
        {
            child.ExitCode.Wait(console.Interrupt);
            return child.ExitCode.Result;
        }
        catch (OperationCanceledException)
        {
            child.Stop();
            throw new LessonInterruptedException($"interrupted while checking {exercise.Id}");
        }
    }

    // The exit code of a check whose output nobody reads.
    static int Quietly(CliConsole console, ExerciseFolder folder, Exercise exercise, int seconds) =>
        Isolated(console with { Out = TextWriter.Null, Error = TextWriter.Null }, folder, exercise, seconds);

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

    static string Status(CliConsole console, ExerciseFolder folder, Exercise exercise, int seconds)
    {
        if (!File.Exists(folder.FileOf(exercise))) return "missing";
        if (folder.IsUntouched(exercise)) return "not started";
        return Quietly(console, folder, exercise, seconds) == ExitCodes.Ok ? "passing" : "failing";
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
