using System.Runtime.InteropServices;

namespace Lessons.Cli;

/// <summary>
/// Ctrl-C (SIGINT) as a request to stop: the first one cancels <see cref="Token"/>, and the running
/// lesson stops at its next step (LessonContext.StepScope), unwinding through the progress
/// display, which restores the terminal, to one "interrupted at step k of n" line and exit 130.
/// A second Ctrl-C ends the process at once, as usual, after showing the cursor again.
/// </summary>
public sealed class CtrlC : IDisposable
{
    readonly CancellationTokenSource source = new();
    readonly PosixSignalRegistration registration;
    readonly bool interactive;
    int presses;

    CtrlC(bool interactive)
    {
        this.interactive = interactive;
        registration = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
    }

    public static CtrlC Listen(bool interactive) => new(interactive);

    public CancellationToken Token => source.Token;

    void OnSignal(PosixSignalContext context)
    {
        if (Interlocked.Increment(ref presses) == 1)
        {
            context.Cancel = true; // keep running until the lesson reaches its next step
            source.Cancel();
            return;
        }
        if (interactive) Console.Error.Write("\u001b[?25h"); // the progress bar hid the cursor
    }

    public void Dispose()
    {
        registration.Dispose();
        source.Dispose();
    }
}
