using System.Diagnostics;
using System.Runtime.InteropServices;
using Lessons.Core.Torch;

namespace Lessons.Cli;

/// <summary>What a run of this program in a child process printed.</summary>
public sealed record ChildResult(int ExitCode, string Out, string Err, double Seconds);

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

    /// <summary>Runs to the end; on <paramref name="interrupt"/> the child gets SIGINT and stops at its next step.</summary>
    public static async Task<ChildResult> RunAsync(IEnumerable<string> args, CancellationToken interrupt = default)
    {
        var clock = Stopwatch.StartNew();
        using Process process = Process.Start(StartInfo(args)) ?? throw new InvalidOperationException("could not start this program again");
        Task<string> output = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        Task<string> error = process.StandardError.ReadToEndAsync(CancellationToken.None);
        using (interrupt.Register(() => Interrupt(process)))
            await process.WaitForExitAsync(CancellationToken.None);
        return new ChildResult(process.ExitCode, await output, await error, clock.Elapsed.TotalSeconds);
    }

    /// <summary>
    /// Starts one child per argument list, at most <paramref name="jobs"/> at a time (libtorch's
    /// generator is process-global: lessons run side by side only in processes of their own). The
    /// tasks come back in the order given, so callers print in that order as each finishes. Each
    /// child runs this process's kernels, so its digits are the ones this process would print.
    /// </summary>
    public static IReadOnlyList<Task<ChildResult>> RunAll(IEnumerable<IReadOnlyList<string>> argsList, int jobs, CliConsole console)
    {
        string[] kernels = ["--kernels", CpuKernels.Name(console.Kernels)];
        CancellationToken interrupt = console.Interrupt;
        // Not disposed: it holds no handle unless AvailableWaitHandle is read, and the tasks outlive this call.
        var slots = new SemaphoreSlim(Math.Max(1, jobs));
        return argsList.Select(args => Task.Run(async () =>
        {
            await slots.WaitAsync(CancellationToken.None);
            try
            {
                return await RunAsync([.. args, .. kernels], interrupt);
            }
            finally
            {
                slots.Release();
            }
        })).ToList();
    }

    public static ChildResult Run(IEnumerable<string> args, CancellationToken interrupt = default) =>
        RunAsync(args, interrupt).GetAwaiter().GetResult();

    // A terminal's Ctrl-C reaches the whole process group already; this covers an interrupt that
    // did not come from the terminal. SIGINT, not a kill: the child stops cleanly at its next step.
    static void Interrupt(Process process)
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
