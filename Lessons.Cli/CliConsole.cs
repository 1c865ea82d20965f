using Lessons.Core.Catalog;
using Lessons.Core.Torch;

namespace Lessons.Cli;

/// <summary>
/// Where the command line writes, whether a person watches stderr (progress bars) or it is
/// redirected, the token Ctrl-C cancels (none in process, where nothing sends it), and the CPU
/// kernels asked for (<c>--kernels</c>), which libtorch starts with and child processes inherit. In a
/// child process (<see cref="Report"/> set) notices, files and errors are collected for the parent
/// instead of printed.
/// </summary>
public sealed record CliConsole(TextWriter Out, TextWriter Error, bool Interactive, CancellationToken Interrupt = default, KernelChoice Kernels = KernelChoice.Pinned)
{
    /// <summary>How this command runs a lesson unless it says more: Ctrl-C stops it, libtorch starts with the kernels asked for.</summary>
    public LessonSettings Settings => new() { Interrupt = Interrupt, Kernels = Kernels };

    /// <summary>What this process reports to its parent, when it runs as a child of this program; null otherwise.</summary>
    public ChildReport? Report { get; init; }

    /// <summary>A line for the user's stderr that is not progress (a note, a warning): printed, or reported to the parent.</summary>
    public void Notice(string line)
    {
        if (Report is not null) Report.Notices.Add(line);
        else Error.WriteLine(line);
    }

    /// <summary>A file the command wrote, for the parent's count; nothing to print.</summary>
    public void Wrote(string path) => Report?.Files.Add(path);

    /// <summary>The command's failure: one "error: " line, or the error the parent receives.</summary>
    public void Fail(string message, int exitCode)
    {
        message = message.ReplaceLineEndings(" ");
        if (Report is not null) Report.Fail(message, exitCode);
        else Error.WriteLine("error: " + message);
    }
}
