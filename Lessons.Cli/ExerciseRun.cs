using System.Collections.Concurrent;
using Lessons.Core.Catalog;
using Lessons.Core.Exercises;

namespace Lessons.Cli;

/// <summary>How a check of an exercise ended.</summary>
public enum ExerciseVerdict
{
    Passing,
    Failing,
    DoesNotCompile,
}

/// <summary>
/// Checks one exercise in this process (the child of <see cref="ExerciseProcess"/>): compiles the learner's file with Roslyn and runs the checks on
/// a thread of their own, so that code which never returns is stopped after <c>limit</c> per check
/// (.NET cannot abort a thread: it is left behind, a background thread, and ends with the process).
/// Prints one line per check, and for the first failure what was expected and what came.
/// </summary>
public static class ExerciseRun
{
    public const int DefaultSeconds = 15;

    /// <summary>True once a check was stopped: its thread still runs the learner's code, maybe inside libtorch.</summary>
    public static bool LeftRunning { get; private set; }

    /// <summary>
    /// Ends the process at once with <paramref name="code"/>, after flushing what was written: with a
    /// stopped check's thread still inside libtorch, the usual shutdown (libtorch's static destructors)
    /// can crash under it and turn the exit code into a signal's.
    /// </summary>
    public static void ExitNow(CliConsole console, int code)
    {
        console.Out.Flush();
        console.Error.Flush();
        Console.Out.Flush();
        Console.Error.Flush();
        _exit(code);
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "_exit")]
    static extern void _exit(int status);

    public static ExerciseVerdict Check(CliConsole console, ExerciseFolder folder, Exercise exercise, TimeSpan limit)
    {
        TextWriter output = console.Out;
        string display = folder.DisplayPathOf(exercise);
        string file = folder.FileOf(exercise);
        if (!File.Exists(file))
            throw new ExerciseUsageException($"{display} is missing; `exercises --reset {exercise.Id}` writes the stub again");
        output.WriteLine($"{exercise.Id} ({display}): {exercise.Task}");

        CompileOutcome outcome = ExerciseCompiler.Compile(File.ReadAllText(file), display);
        if (!outcome.Compiled)
        {
            foreach (CompileError error in outcome.Errors) output.WriteLine(error.ToString());
            output.WriteLine($"✘ {display} does not compile: {outcome.Errors.Count} error{(outcome.Errors.Count == 1 ? "" : "s")}");
            return ExerciseVerdict.DoesNotCompile;
        }

        var events = new BlockingCollection<object>();
        var worker = new Thread(() =>
        {
            try
            {
                ExerciseChecker.Run(exercise, outcome.Code!, starting: check => events.Add(check), finished: result => events.Add(result));
            }
            catch (Exception e)
            {
                events.Add(e);
            }
            events.Add(Done);
        }, maxStackSize: 16 << 20) { IsBackground = true, Name = $"exercise {exercise.Id}" };
        worker.Start();

        var results = new List<CheckResult>();
        ExerciseCheck? running = null;
        while (true)
        {
            object item;
            try
            {
                if (!events.TryTake(out item!, running is null ? Timeout.Infinite : (int)limit.TotalMilliseconds, console.Interrupt))
                {
                    output.WriteLine($"✘ {running!.Name}");
                    output.WriteLine($"    stopped after {limit.TotalSeconds:0} s: your code has not returned (an endless loop?)");
                    LeftRunning = true;
                    return ExerciseVerdict.Failing;
                }
            }
            catch (OperationCanceledException)
            {
                throw new LessonInterruptedException($"interrupted while checking {exercise.Id}");
            }
            switch (item)
            {
                case ExerciseCheck check:
                    running = check;
                    break;
                case CheckResult result:
                    running = null;
                    Print(output, result, first: result.Status != CheckStatus.Passed && results.All(r => r.Passed));
                    results.Add(result);
                    break;
                case Exception e:
                    System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e).Throw();
                    break;
                default:
                    return Summarize(output, exercise, results);
            }
        }
    }

    static readonly object Done = new();

    static void Print(TextWriter output, CheckResult result, bool first)
    {
        switch (result.Status)
        {
            case CheckStatus.Passed:
                output.WriteLine($"✔ {result.Name}");
                break;
            case CheckStatus.NotWritten:
                // The stub's gap: the one thing to say, instead of the check's name.
                output.WriteLine($"✘ {result.Problem}");
                break;
            default:
                output.WriteLine($"✘ {result.Name}");
                if (!first) break;
                output.WriteLine($"    {result.Problem}");
                foreach (string detail in result.Details ?? []) output.WriteLine($"    {detail}");
                break;
        }
    }

    static ExerciseVerdict Summarize(TextWriter output, Exercise exercise, IReadOnlyList<CheckResult> results)
    {
        int total = exercise.Checks.Count;
        if (results.Count == total && results.All(r => r.Passed))
        {
            Exercise? next = ExerciseBook.All.FirstOrDefault(e => e.Number == exercise.Number + 1);
            output.WriteLine($"{exercise.Id} passes: {total} of {total} checks" + (next is null ? "." : $". Next: {next.Id} ({next.FileName})"));
            return ExerciseVerdict.Passing;
        }
        if (results.Any(r => r.Status == CheckStatus.NotWritten)) return ExerciseVerdict.Failing;
        output.WriteLine($"{exercise.Id}: {results.Count(r => r.Passed)} of {total} checks pass; `lessons hint {exercise.Id}` gives a hint");
        return ExerciseVerdict.Failing;
    }
}
