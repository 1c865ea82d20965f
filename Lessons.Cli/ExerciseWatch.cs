using System.Collections.Concurrent;
using Lessons.Core.Exercises;

namespace Lessons.Cli;

/// <summary>
/// <c>check --watch</c>: checks the current exercise (the one named, or the first not passing),
/// then again each time an exercise's file is saved: the file saved is the one checked. After a
/// pass it moves on to the next exercise not passing; after the last it says the course is done.
/// One warm checker (<see cref="ExerciseProcess"/>, started with libtorch and Roslyn loaded) serves
/// every save; a save during a check ends that checker and starts a fresh one, as does a checker
/// the learner's code took down. Ctrl-C ends the watch (exit 130).
/// </summary>
public static class ExerciseWatch
{
    /// <summary>Editors save in bursts (write, rename, touch): events this close together are one save.</summary>
    static readonly TimeSpan Settle = TimeSpan.FromMilliseconds(100);

    public static int Run(CliConsole console, ExerciseFolder folder, Exercise? chosen, int seconds)
    {
        var saved = new BlockingCollection<string>();
        using var watcher = new FileSystemWatcher(folder.FullPath, "*.cs")
        {
            NotifyFilter = NotifyFilters.LastWrite | NotifyFilters.FileName | NotifyFilters.Size,
            IncludeSubdirectories = false,
        };
        watcher.Changed += (_, e) => saved.Add(e.Name ?? "");
        watcher.Created += (_, e) => saved.Add(e.Name ?? "");
        watcher.Renamed += (_, e) => saved.Add(e.Name ?? "");
        watcher.EnableRaisingEvents = true;

        var output = new Lock();
        void Say(string line)
        {
            lock (output) console.Out.WriteLine(line);
        }

        ExerciseProgress progress = folder.Progress();
        Exercise? pending = chosen ?? ExerciseCommands.Current(folder, progress);
        if (pending is null)
        {
            Say($"All {ExerciseBook.All.Count} exercises pass: the course is done.");
            return ExitCodes.Ok;
        }
        ExerciseProcess checker = ExerciseProcess.Start(warm: true);
        try
        {
            while (true)
            {
                if (pending is not null)
                {
                    Exercise exercise = pending;
                    pending = null;
                    if (!checker.Alive)
                    {
                        checker.Dispose();
                        checker = ExerciseProcess.Start(warm: true);
                    }
                    Task<CheckOutcome> check = checker.Check(folder, exercise, seconds, Say);
                    while (!check.IsCompleted)
                    {
                        if (saved.Count > 0 && Saved(saved) is { } newer)
                        {
                            // The check in flight judges a text that is gone: a fresh checker for the new one.
                            checker.Kill();
                            checker.Dispose();
                            checker = ExerciseProcess.Start(warm: true);
                            Say($"--- {DateTime.Now:HH:mm:ss} {newer.FileName} saved ---");
                            pending = newer;
                            break;
                        }
                        Task.WaitAny([check], 50, console.Interrupt); // a faulted check (our stdout failed) is read below, not thrown here
                    }
                    if (pending is not null) continue;
                    CheckOutcome outcome;
                    try
                    {
                        outcome = check.Result;
                    }
                    catch (AggregateException e) when (e.InnerException is IOException io)
                    {
                        System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(io).Throw();
                        throw;
                    }
                    lock (output) ExerciseCommands.AfterCheck(console, folder, progress, exercise, outcome, announceNext: false);
                    if (outcome.Verdict == ExerciseVerdict.Passing)
                    {
                        Exercise? next = ExerciseCommands.Current(folder, progress, after: exercise);
                        if (next is null)
                        {
                            Say($"All {ExerciseBook.All.Count} exercises pass: the course is done.");
                            return ExitCodes.Ok;
                        }
                        Say($"Next: {next.Number:00} {next.Id} ({folder.DisplayPathOf(next)}); watching it now");
                        pending = next;
                        continue;
                    }
                    Say($"watching {folder.DisplayPath()} for saves; Ctrl-C to stop");
                }
                string first = saved.Take(console.Interrupt);
                if (Saved(saved, first) is not { } target) continue; // not an exercise's file
                Say($"--- {DateTime.Now:HH:mm:ss} {target.FileName} saved ---");
                pending = target;
            }
        }
        catch (OperationCanceledException)
        {
            checker.Kill();
            console.Error.WriteLine("stopped watching (Ctrl-C)");
            return ExitCodes.Interrupted;
        }
        finally
        {
            checker.Dispose();
        }
    }

    // Lets the burst of one save settle, then the exercise whose file was saved last; null when no exercise's file was.
    static Exercise? Saved(BlockingCollection<string> saved, string? first = null)
    {
        Thread.Sleep(Settle);
        var names = new List<string>();
        if (first is not null) names.Add(first);
        while (saved.TryTake(out string? name)) names.Add(name);
        return names.Select(n => ExerciseBook.All.FirstOrDefault(e => e.FileName == n)).LastOrDefault(e => e is not null);
    }
}
