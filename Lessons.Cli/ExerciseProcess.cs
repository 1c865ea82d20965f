using System.Diagnostics;
using System.Globalization;
using Lessons.Core.Exercises;

namespace Lessons.Cli;

/// <summary>
/// One check of an exercise in a child process of this program (<c>check &lt;id&gt; --in-this-process</c>),
/// its output relayed line by line as it comes. The learner's code then cannot take this process
/// with it: a stack overflow or a native crash ends only the child, and is worded here in one line;
/// a watch can kill a check that a newer save made stale.
/// </summary>
public sealed class ExerciseProcess
{
    /// <summary>The hidden option that makes <c>check</c> run the checks itself (in the child).</summary>
    public const string InThisProcess = "--in-this-process";

    readonly Process process;
    readonly TaskCompletionSource<int> exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    volatile bool stopped;
    bool overflowed;

    ExerciseProcess(Process process) => this.process = process;

    /// <summary>The exit code as the command reports it, once the child has ended and its output is relayed.</summary>
    public Task<int> ExitCode => exited.Task;

    public static ExerciseProcess Start(CliConsole console, Lock output, ExerciseFolder folder, Exercise exercise, int seconds)
    {
        ProcessStartInfo start = SelfProcess.StartInfo(
            ["check", exercise.Id, "--exercises", folder.FullPath, "--timeout", seconds.ToString(CultureInfo.InvariantCulture), InThisProcess]);
        var child = new ExerciseProcess(new Process { StartInfo = start });
        int open = 2;
        void Closed()
        {
            if (Interlocked.Decrement(ref open) > 0) return;
            // Off the reader's thread: WaitForExit waits for the readers' handlers, this one among them.
            Task.Run(Finish);
        }
        void Finish()
        {
            child.process.WaitForExit();
            int code = child.process.ExitCode;
            if (!child.Silenced(console) && !IsCommandsOwn(code))
            {
                // The child did not end by itself: the learner's code took the process down.
                lock (output)
                    console.Out.WriteLine(child.overflowed
                        ? "✘ your code overflowed the stack (a method that calls itself without end?); the check's process ended"
                        : $"✘ the check's process ended abruptly (exit code {code}) while running your code");
                code = ExitCodes.CheckFailed;
            }
            child.exited.TrySetResult(code);
        }
        child.process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null) Closed();
            else if (!child.Silenced(console)) lock (output) console.Out.WriteLine(e.Data);
        };
        child.process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                Closed();
                return;
            }
            // The runtime's report of a crash is a stack dump: it is summed up in one line instead.
            if (e.Data.StartsWith("Stack overflow", StringComparison.Ordinal)) child.overflowed = true;
            if (!child.Silenced(console) && (e.Data.StartsWith("error: ", StringComparison.Ordinal) || e.Data.StartsWith("note: ", StringComparison.Ordinal)))
                lock (output) console.Error.WriteLine(e.Data);
        };
        child.process.Start();
        child.process.BeginOutputReadLine();
        child.process.BeginErrorReadLine();
        return child;
    }

    // After Ctrl-C (which a terminal sends the child too) this process words the interrupt, once.
    bool Silenced(CliConsole console) => stopped || console.Interrupt.IsCancellationRequested;

    // The codes check itself returns; anything else is a crash (134 for an abort, 139 for a segfault...).
    static bool IsCommandsOwn(int code) =>
        code is ExitCodes.Ok or ExitCodes.Failed or ExitCodes.Usage or ExitCodes.DeviceUnavailable or ExitCodes.OutOfMemory
            or ExitCodes.CheckFailed or ExitCodes.DoesNotCompile or ExitCodes.Interrupted;

    /// <summary>Ends the check if it still runs, and relays nothing more from it.</summary>
    public void Stop()
    {
        stopped = true;
        try
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException) { } // it ended meanwhile
        exited.TrySetResult(ExitCodes.Interrupted);
    }
}
