using System.CommandLine;
using System.Globalization;
using Lessons.Core.Catalog;
using Lessons.Core.Exercises;
using Lessons.Core.Figures;

namespace Lessons.Cli;

/// <summary>
/// The exercises' commands: <c>exercises</c> (list with status, <c>--reset &lt;id&gt;</c>),
/// <c>check [&lt;id&gt;]</c> (with <c>--watch</c>) and <c>hint [&lt;id&gt;]</c>. An exercise is named by its
/// id, its number or its file's name. The progress file (<see cref="ExerciseProgress"/>) keeps each
/// verdict with the fingerprint of the text it judged, so an unchanged file is never checked twice.
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
        WholeNumbers.Require(timeout, 1, int.MaxValue); // seconds: the checker waits as long as it can
        return timeout;
    }

    public static Command Exercises(CliConsole console)
    {
        var folderOption = FolderOption();
        var reset = new Option<string?>("--reset") { Description = "Restore this exercise's file (id or number) to the stub as shipped, after copying yours aside (to <file>.<time>.bak)." };
        var timeout = TimeoutOption();
        var command = new Command("exercises", "List the exercises: number, id, status (not started, failing, passing) and tutorial section; only files changed since their last check are checked.") { folderOption, reset, timeout };
        command.SetAction(parsed => Guarded(console, () =>
        {
            ExerciseFolder folder = ExerciseFolder.Locate(parsed.GetValue(folderOption));
            if (parsed.GetValue(reset) is string id) return Reset(console, folder, ExerciseBook.Get(id));
            ExerciseProgress progress = folder.Progress();
            var statuses = Statuses(console, folder, progress, parsed.GetValue(timeout));
            Exercise? current = Current(folder, progress);
            int width = ExerciseBook.All.Max(e => e.Id.Length);
            int passing = statuses.Count(s => s == Passing);
            console.Out.WriteLine($"{passing} of {ExerciseBook.All.Count} pass" + (current is null ? ": the course is done" : $"; the current one is {current.Number:00} {current.Id} (→)"));
            ExerciseChapter? chapter = null;
            foreach (Exercise exercise in ExerciseBook.All)
            {
                if (exercise.Chapter != chapter)
                {
                    chapter = exercise.Chapter;
                    console.Out.WriteLine(ChapterHeading(exercise.Chapter));
                }
                string mark = exercise == current ? "→" : " ";
                console.Out.WriteLine($"{mark} {exercise.Number:00}  {exercise.Id.PadRight(width)}  {statuses[exercise.Number - 1],-11}  {Section(exercise)}");
            }
            return ExitCodes.Ok;
        }));
        return command;
    }

    /// <summary>The heading of a chapter in the listing and on the course pages.</summary>
    public static string ChapterHeading(ExerciseChapter chapter) => chapter switch
    {
        ExerciseChapter.OwnEngine => "Build your own autograd engine (a scalar Value, checked against libtorch's):",
        _ => "The tutorials' ideas:",
    };

    const string Passing = "passing";

    // Each exercise's status; files changed since their last check are checked now, several at once, each in a checker of its own.
    static string[] Statuses(CliConsole console, ExerciseFolder folder, ExerciseProgress progress, int seconds)
    {
        var all = ExerciseBook.All;
        var statuses = new string[all.Count];
        var stale = new List<Exercise>();
        foreach (Exercise exercise in all)
        {
            if (!File.Exists(folder.FileOf(exercise))) statuses[exercise.Number - 1] = "missing";
            else if (folder.IsUntouched(exercise)) statuses[exercise.Number - 1] = "not started";
            else if (progress.Known(exercise, folder.Fingerprint(exercise)!) is ExerciseVerdict known) statuses[exercise.Number - 1] = Word(known);
            else stale.Add(exercise);
        }
        var outcomes = new CheckOutcome?[all.Count];
        Parallel.ForEach(stale, new ParallelOptions { MaxDegreeOfParallelism = LessonBatch.DefaultJobs(Math.Max(1, stale.Count)) },
            exercise => outcomes[exercise.Number - 1] = Quietly(console, folder, exercise, seconds));
        foreach (Exercise exercise in stale)
        {
            CheckOutcome outcome = outcomes[exercise.Number - 1]!;
            Record(progress, exercise, outcome);
            statuses[exercise.Number - 1] = Word(outcome.Verdict);
        }
        progress.TrySave();
        return statuses;
    }

    static string Word(ExerciseVerdict verdict) => verdict == ExerciseVerdict.Passing ? Passing : "failing";

    static void Record(ExerciseProgress progress, Exercise exercise, CheckOutcome outcome, IReadOnlyList<string>? report = null)
    {
        if (outcome.Fingerprint is not null) progress.Record(exercise, outcome.Fingerprint, outcome.Verdict, report);
    }

    /// <summary>The current exercise: the first, in course order, not known to pass as it stands; null when every one passes.</summary>
    public static Exercise? Current(ExerciseFolder folder, ExerciseProgress progress, Exercise? after = null)
    {
        var order = ExerciseBook.All;
        if (after is not null) order = [.. order.Skip(after.Number), .. order.Take(after.Number)];
        return order.FirstOrDefault(e => e != after && !KnownToPass(folder, progress, e));
    }

    static bool KnownToPass(ExerciseFolder folder, ExerciseProgress progress, Exercise exercise) =>
        folder.Fingerprint(exercise) is string fingerprint && !folder.IsUntouched(exercise) && progress.Known(exercise, fingerprint) == ExerciseVerdict.Passing;

    public static Command Check(CliConsole console)
    {
        var id = new Argument<string?>("id") { Description = "The exercise: its id or number (see 'exercises'); without it, the first one not yet passing.", Arity = ArgumentArity.ZeroOrOne };
        var folderOption = FolderOption();
        var watch = new Option<bool>("--watch") { Description = "Check again whenever an exercise's file is saved, moving on after a pass, until Ctrl-C." };
        var timeout = TimeoutOption();
        // The checker's side of ExerciseProcess: requests on stdin, answers on stdout.
        var serve = new Option<bool>(ExerciseProcess.Serve) { Hidden = true };
        var warm = new Option<bool>(ExerciseProcess.Warm) { Hidden = true };
        var plots = new Option<string?>("--plots") { Description = "For a step of the capstone: draw your engine's graph of the tutorial's y = (w + x) * (w + 1) beside libtorch's, into this folder." };
        var command = new Command("check", "Compile an exercise and run its checks: one line per check, and what was expected for the first failure.") { id, folderOption, watch, timeout, plots, serve, warm };
        command.SetAction(parsed =>
        {
            if (parsed.GetValue(serve)) return ExerciseRun.Serve(parsed.GetValue(warm));
            return Guarded(console, () =>
            {
                ExerciseFolder folder = ExerciseFolder.Locate(parsed.GetValue(folderOption));
                Exercise? chosen = parsed.GetValue(id) is string given ? ExerciseBook.Get(given) : null;
                int seconds = parsed.GetValue(timeout);
                if (parsed.GetValue(plots) is string pictures)
                {
                    if (chosen is null || chosen.Chapter != ExerciseChapter.OwnEngine || parsed.GetValue(watch))
                    {
                        var steps = ExerciseBook.All.Where(e => e.Chapter == ExerciseChapter.OwnEngine).ToList();
                        throw new ExerciseUsageException($"--plots draws a capstone step's graph: give one of {steps[0].Id} ... {steps[^1].Id} ({steps[0].Number} to {steps[^1].Number}), without --watch");
                    }
                    return Visibly(console, folder, folder.Progress(), chosen, seconds, plots: Path.GetFullPath(pictures)).ExitCode;
                }
                if (parsed.GetValue(watch)) return ExerciseWatch.Run(console, folder, chosen, seconds);
                if (chosen is not null) return Visibly(console, folder, folder.Progress(), chosen, seconds).ExitCode;
                return CheckOnward(console, folder, seconds);
            });
        });
        return command;
    }

    /// <summary>
    /// <c>check</c> without an id: in course order, each exercise known to pass as it stands gets a
    /// line, and the first one that is not (changed, failing, not started) is checked; after a pass
    /// the next, until one fails or the course is done.
    /// </summary>
    static int CheckOnward(CliConsole console, ExerciseFolder folder, int seconds)
    {
        ExerciseProgress progress = folder.Progress();
        foreach (Exercise exercise in ExerciseBook.All)
        {
            if (KnownToPass(folder, progress, exercise))
            {
                console.Out.WriteLine($"✔ {exercise.Id} passes (unchanged since its last check)");
                continue;
            }
            // Unchanged and not passing: its last report again, without checking it again.
            if (folder.Fingerprint(exercise) is string fingerprint && progress.Known(exercise, fingerprint) is ExerciseVerdict known
                && progress[exercise].Report is { Count: > 0 } report)
            {
                foreach (string line in report) console.Out.WriteLine(line);
                console.Out.WriteLine($"(unchanged since its last check; `lessons check {exercise.Id}` checks it again)");
                return ExitCode(known);
            }
            CheckOutcome outcome = Visibly(console, folder, progress, exercise, seconds, moveOn: true);
            if (outcome.Verdict != ExerciseVerdict.Passing) return outcome.ExitCode;
        }
        console.Out.WriteLine($"All {ExerciseBook.All.Count} exercises pass: the course is done.");
        return ExitCodes.Ok;
    }

    /// <summary>Checks the exercise in a checker of its own, printing what it says, recording the verdict, and after a pass why it works and what is next.</summary>
    static CheckOutcome Visibly(CliConsole console, ExerciseFolder folder, ExerciseProgress progress, Exercise exercise, int seconds, bool moveOn = false, string? plots = null)
    {
        using ExerciseProcess checker = ExerciseProcess.Start(warm: false);
        var report = new List<string>();
        CheckOutcome outcome = Wait(console, checker, checker.Check(folder, RequireFile(folder, exercise), seconds, line =>
        {
            report.Add(line);
            console.Out.WriteLine(line);
        }, plots), exercise);
        checker.Finish();
        AfterCheck(console, folder, progress, exercise, outcome, announceNext: !moveOn, report);
        return outcome;
    }

    /// <summary>After a check: the verdict recorded; after a pass, why it works, the lesson that shows it, and the next exercise not passing (or the course's end).</summary>
    public static void AfterCheck(CliConsole console, ExerciseFolder folder, ExerciseProgress progress, Exercise exercise, CheckOutcome outcome, bool announceNext = true,
        IReadOnlyList<string>? report = null)
    {
        Record(progress, exercise, outcome, report);
        progress.TrySave();
        if (outcome.Verdict != ExerciseVerdict.Passing) return;
        console.Out.WriteLine("Why it works: " + LessonDocs.Paragraph(exercise.WhyItWorks).ReplaceLineEndings(" "));
        console.Out.WriteLine($"The lesson {exercise.LessonId} shows the idea: `lessons lesson {exercise.LessonId} --code`.");
        if (!announceNext) return;
        console.Out.WriteLine(Current(folder, progress, after: exercise) is { } next
            ? $"Next: {next.Number:00} {next.Id} ({folder.DisplayPathOf(next)})"
            : $"All {ExerciseBook.All.Count} exercises pass: the course is done.");
    }

    static Exercise RequireFile(ExerciseFolder folder, Exercise exercise) =>
        File.Exists(folder.FileOf(exercise)) ? exercise
            : throw new ExerciseUsageException($"{folder.DisplayPathOf(exercise)} is missing; `exercises --reset {exercise.Id}` writes the stub again");

    // Waits for the verdict; Ctrl-C ends the check and its checker at once.
    static CheckOutcome Wait(CliConsole console, ExerciseProcess checker, Task<CheckOutcome> check, Exercise exercise)
    {
        try
        {
            check.Wait(console.Interrupt);
            return check.Result;
        }
        catch (OperationCanceledException)
        {
            checker.Kill();
            throw new LessonInterruptedException($"interrupted while checking {exercise.Id}");
        }
        catch (AggregateException e) when (e.InnerException is IOException io)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(io).Throw();
            throw;
        }
    }

    // A check whose output nobody reads.
    static CheckOutcome Quietly(CliConsole console, ExerciseFolder folder, Exercise exercise, int seconds)
    {
        using ExerciseProcess checker = ExerciseProcess.Start(warm: false);
        CheckOutcome outcome = Wait(console, checker, checker.Check(folder, exercise, seconds, _ => { }), exercise);
        checker.Finish();
        return outcome;
    }

    public static Command Hint(CliConsole console)
    {
        var id = new Argument<string?>("id") { Description = "The exercise: its id or number (see 'exercises'); without it, the current one.", Arity = ArgumentArity.ZeroOrOne };
        var folderOption = FolderOption();
        var command = new Command("hint", "Give the next hint for an exercise: a nudge, then the idea, then the code.") { id, folderOption };
        command.SetAction(parsed => Guarded(console, () =>
        {
            ExerciseFolder folder = ExerciseFolder.Locate(parsed.GetValue(folderOption));
            ExerciseProgress progress = folder.Progress();
            Exercise? exercise = parsed.GetValue(id) is string given ? ExerciseBook.Get(given) : Current(folder, progress);
            if (exercise is null)
            {
                console.Out.WriteLine($"All {ExerciseBook.All.Count} exercises pass; `lessons hint <id>` gives the hints of one of them.");
                return ExitCodes.Ok;
            }
            ExerciseRecord record = progress[exercise];
            int level = Math.Min(record.HintsShown + 1, exercise.Hints.Count);
            record.HintsShown = level;
            progress.TrySave();
            console.Out.WriteLine($"{exercise.Id}: {exercise.Task}");
            console.Out.WriteLine($"Hint {level} of {exercise.Hints.Count} ({HintLevel(level)}): {exercise.Hints[level - 1]}");
            bool passed = KnownToPass(folder, progress, exercise);
            if (level < exercise.Hints.Count) console.Out.WriteLine($"Ask again (`lessons hint {exercise.Id}`) for {HintLevel(level + 1)}.");
            // The lesson holds the answer's code: named once the hints have given it anyway, or after a pass.
            if (level == exercise.Hints.Count || passed)
                console.Out.WriteLine($"The lesson {exercise.LessonId} shows the idea: `lessons lesson {exercise.LessonId} --code`.");
            return ExitCodes.Ok;
        }));
        return command;
    }

    static string HintLevel(int level) => level switch
    {
        1 => "a nudge",
        2 => "the idea",
        _ => "the code",
    };

    public static int ExitCode(ExerciseVerdict verdict) => verdict switch
    {
        ExerciseVerdict.Passing => ExitCodes.Ok,
        ExerciseVerdict.DoesNotCompile => ExitCodes.DoesNotCompile,
        _ => ExitCodes.CheckFailed,
    };

    /// <summary>000 §1 1.numpy和pytorch实现梯度下降法 (numpy): the tutorial's number, section and heading; the capstone's steps say which idea they build on.</summary>
    public static string Section(Exercise exercise)
    {
        string section = $"{exercise.Source.File[..3]}{(exercise.Source.Numbered ? $" §{exercise.Source.Section}" : "")} {exercise.Source.Heading}";
        return exercise.Chapter == ExerciseChapter.OwnEngine ? $"builds on {exercise.LessonId} ({section})" : section;
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
        try
        {
            if (File.Exists(file)) aside = Backup(file);
            // Only once the learner's version is safe aside: the stub, written whole or not at all.
            AtomicFile.WriteAllText(file, exercise.Stub);
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            string why = e.Message.Contains("No space left", StringComparison.OrdinalIgnoreCase) ? "the disk is full" : "it is read-only, or not yours to write";
            throw new IOException($"cannot write in {folder.FullPath} ({why}), so {display} is unchanged: "
                + "make room or make the folder writable (chmod u+w), or copy it somewhere writable and pass --exercises DIR");
        }
        ExerciseProgress progress = folder.Progress();
        progress.Exercises.Remove(exercise.Id);
        progress.TrySave();
        console.Out.WriteLine(aside is null
            ? $"{display} written from the stub"
            : $"{display} is the stub again; your version is in {Path.Combine(Path.GetDirectoryName(display) ?? "", Path.GetFileName(aside))}");
        return ExitCodes.Ok;
    }

    // A name no other backup has, even within the same second: the time to the millisecond, then a count; created, never overwritten.
    static string Backup(string file)
    {
        string stamp = DateTime.Now.ToString("yyyyMMdd-HHmmss-fff", CultureInfo.InvariantCulture);
        byte[] mine = File.ReadAllBytes(file);
        for (int n = 1; ; n++)
        {
            string aside = n == 1 ? $"{file}.{stamp}.bak" : $"{file}.{stamp}-{n}.bak";
            FileStream stream;
            try
            {
                stream = new FileStream(aside, FileMode.CreateNew, FileAccess.Write);
            }
            catch (IOException) when (File.Exists(aside) && n < 1000)
            {
                continue; // taken: the next count
            }
            try
            {
                using (stream)
                {
                    stream.Write(mine);
                    stream.Flush(flushToDisk: true);
                }
                return aside;
            }
            catch
            {
                File.Delete(aside); // half a backup is none
                throw;
            }
        }
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
