using System.Diagnostics;
using System.Runtime.InteropServices;
using Lessons.Core.Torch;

namespace Lessons.Cli;

/// <summary>One child's report (<see cref="Envelope{T}"/>), its exit code and how long it ran.</summary>
public sealed record ChildResult<T>(int ExitCode, Envelope<T> Report, double Seconds);

/// <summary>
/// Runs this same program in a child process: its apphost where there is one, else
/// <c>dotnet lessons.dll</c>. libtorch's generator is process-global, so lessons that run at the
/// same time each need a process of their own.
/// </summary>
public static class SelfProcess
{
    public static ProcessStartInfo StartInfo(IEnumerable<string> args)
    {
        var start = new ProcessStartInfo { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        string appHost = Path.Combine(AppContext.BaseDirectory, OperatingSystem.IsWindows() ? "lessons.exe" : "lessons");
        if (File.Exists(appHost)) start.FileName = appHost;
        else
        {
            start.FileName = Environment.ProcessPath ?? "dotnet";
            start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "lessons.dll"));
        }
        foreach (string arg in args) start.ArgumentList.Add(arg);
        return start;
    }

    /// <summary>
    /// Runs this program as a child (<see cref="ChildProtocol.Flag"/>) with exactly these arguments, to
    /// the end, and reads its envelope; on <paramref name="interrupt"/> the child gets SIGINT and stops
    /// at its next step. Its stderr (progress for a watcher) is read and dropped.
    /// </summary>
    public static async Task<ChildResult<T>> RunAsync<T>(IEnumerable<string> args, CancellationToken interrupt = default)
    {
        var clock = Stopwatch.StartNew();
        using Process process = Process.Start(StartInfo([.. args, ChildProtocol.Flag])) ?? throw new InvalidOperationException("could not start this program again");
        Task<string> output = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        Task<string> progress = process.StandardError.ReadToEndAsync(CancellationToken.None);
        using (interrupt.Register(() => Interrupt(process)))
            await process.WaitForExitAsync(CancellationToken.None);
        await progress;
        Envelope<T> report = ChildProtocol.Read<T>(await output, process.ExitCode);
        // A child killed by a signal reports nothing: its exit code is the one its missing report gives (1, the signal named).
        int exitCode = report.Error is { } error && process.ExitCode > 128 && process.ExitCode != ExitCodes.Interrupted ? error.ExitCode : process.ExitCode;
        return new ChildResult<T>(exitCode, report, clock.Elapsed.TotalSeconds);
    }

    /// <summary>
    /// Runs each argument list as a child command, at most <paramref name="jobs"/> at a time, on as
    /// many <see cref="WorkerPool"/> processes (libtorch's generator is process-global: lessons run side
    /// by side only in processes of their own; one after another, a worker runs many). The tasks come
    /// back in the order given, so callers print in that order as each finishes. Each child runs this
    /// process's kernels (<see cref="CliConsole.Kernels"/>), so its digits are the ones this process
    /// would print, and stops at its next step on this process's interrupt.
    /// </summary>
    public static IReadOnlyList<Task<ChildResult<T>>> RunAll<T>(IEnumerable<IReadOnlyList<string>> argsList, int jobs, CliConsole console)
    {
        string[] kernels = ["--kernels", CpuKernels.Name(console.Kernels)];
        return WorkerPool.RunAll<T>(argsList.Select(args => (IReadOnlyList<string>)[.. args, .. kernels]).ToList(), jobs, console.Interrupt);
    }

    public static ChildResult<T> Run<T>(IEnumerable<string> args, CancellationToken interrupt = default) =>
        RunAsync<T>(args, interrupt).GetAwaiter().GetResult();

    // A terminal's Ctrl-C reaches the whole process group already; this covers an interrupt that
    // did not come from the terminal. SIGINT, not a kill: the child stops cleanly at its next step.
    internal static void Interrupt(Process process)
    {
        try
        {
            if (!process.HasExited && !OperatingSystem.IsWindows()) _ = kill(process.Id, SIGINT);
            else if (!process.HasExited) process.Kill();
        }
        catch (InvalidOperationException) { } // it ended meanwhile
    }

    const int SIGINT = 2;

    [DllImport("libc", SetLastError = true)]
    static extern int kill(int pid, int signal);
}
