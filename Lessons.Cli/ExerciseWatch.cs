using System.Collections.Concurrent;
using Lessons.Core.Exercises;

namespace Lessons.Cli;

/// <summary>
/// <c>check --watch</c>: checks the exercise, then again each time a file under the exercises folder
/// is saved, until Ctrl-C (exit 130). Each check runs as <c>check &lt;id&gt;</c> in a child process
/// of this program, killed when a newer save arrives: a learner's endless loop or crash takes only
/// that child with it, and every check starts from a fresh process.
/// </summary>
public static class ExerciseWatch
{
    /// <summary>Editors save in bursts (write, rename, touch): events this close together are one save.</summary>
    static readonly TimeSpan Settle = TimeSpan.FromMilliseconds(200);

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
        ExerciseProcess? running = null;
        void Start(Exercise exercise)
        {
            running?.Stop();
            ExerciseProcess child = ExerciseProcess.Start(console, output, folder, exercise, seconds);
            running = child;
            child.ExitCode.ContinueWith(code =>
            {
                if (code.Result != ExitCodes.Interrupted)
                    lock (output) console.Out.WriteLine($"watching {folder.DisplayPath()} for saves; Ctrl-C to stop");
            }, TaskScheduler.Default);
        }

        // Without an id: the first exercise not yet passing, then whichever file is saved.
        Exercise? current = chosen ?? ExerciseCommands.FirstUnfinished(console, folder, seconds);
        if (current is not null) Start(current);
        else console.Out.WriteLine($"watching {folder.DisplayPath()} for saves; Ctrl-C to stop");
        try
        {
            while (true)
            {
                string name = saved.Take(console.Interrupt);
                // Let the burst of one save settle, then check once.
                Thread.Sleep(Settle);
                var names = new List<string> { name };
                while (saved.TryTake(out string? more)) names.Add(more);
                current = chosen ?? names.Select(n => ExerciseBook.All.FirstOrDefault(e => e.FileName == n)).LastOrDefault(e => e is not null) ?? current;
                if (current is null) continue; // not an exercise's file, and none to check yet
                lock (output) console.Out.WriteLine($"--- {DateTime.Now:HH:mm:ss} {string.Join(", ", names.Distinct())} saved ---");
                Start(current);
            }
        }
        catch (OperationCanceledException)
        {
            running?.Stop();
            console.Error.WriteLine("stopped watching (Ctrl-C)");
            return ExitCodes.Interrupted;
        }
    }

    static string DisplayPath(this ExerciseFolder folder)
    {
        string relative = Path.GetRelativePath(Directory.GetCurrentDirectory(), folder.FullPath);
        return relative.StartsWith("..", StringComparison.Ordinal) || Path.IsPathRooted(relative) ? folder.FullPath : relative + "/";
    }
}
