using System.Collections.Concurrent;
using System.Diagnostics;
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
        Child? running = null;
        void Start(Exercise? exercise)
        {
            running?.Stop();
            string[] args = exercise is null
                ? ["check", "--exercises", folder.FullPath, "--timeout", seconds.ToString(System.Globalization.CultureInfo.InvariantCulture)]
                : ["check", exercise.Id, "--exercises", folder.FullPath, "--timeout", seconds.ToString(System.Globalization.CultureInfo.InvariantCulture)];
            running = Child.Start(args, console, output, () =>
            {
                lock (output) console.Out.WriteLine($"watching {folder.DisplayPath()} for saves; Ctrl-C to stop");
            });
        }

        Start(chosen);
        try
        {
            while (true)
            {
                string name = saved.Take(console.Interrupt);
                // Let the burst of one save settle, then check once.
                Thread.Sleep(Settle);
                var names = new List<string> { name };
                while (saved.TryTake(out string? more)) names.Add(more);
                Exercise? target = chosen ?? names.Select(n => ExerciseBook.All.FirstOrDefault(e => e.FileName == n)).LastOrDefault(e => e is not null);
                lock (output) console.Out.WriteLine($"--- {DateTime.Now:HH:mm:ss} {string.Join(", ", names.Distinct())} saved ---");
                Start(target);
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

    /// <summary>One check in a child process, its lines relayed as they come.</summary>
    sealed class Child
    {
        readonly Process process;
        volatile bool stopped;

        Child(Process process) => this.process = process;

        public static Child Start(string[] args, CliConsole console, Lock output, Action finished)
        {
            ProcessStartInfo start = SelfProcess.StartInfo(args);
            var process = new Process { StartInfo = start, EnableRaisingEvents = true };
            var child = new Child(process);
            int open = 2;
            void Relay(string? line, TextWriter to)
            {
                if (line is null)
                {
                    if (Interlocked.Decrement(ref open) == 0 && !child.stopped) finished();
                    return;
                }
                if (child.stopped) return;
                lock (output) to.WriteLine(line);
            }
            process.OutputDataReceived += (_, e) => Relay(e.Data, console.Out);
            process.ErrorDataReceived += (_, e) => Relay(e.Data, console.Error);
            process.Start();
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            return child;
        }

        /// <summary>Ends the check if it still runs: a newer save, or Ctrl-C, makes its verdict stale.</summary>
        public void Stop()
        {
            stopped = true;
            try
            {
                if (!process.HasExited) process.Kill(entireProcessTree: true);
                process.WaitForExit(5000);
            }
            catch (InvalidOperationException) { } // it ended meanwhile
            process.Dispose();
        }
    }
}
