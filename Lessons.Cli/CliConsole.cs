using Lessons.Core.Catalog;
using Lessons.Core.Torch;

namespace Lessons.Cli;

/// <summary>
/// Where the command line writes, whether a person watches stderr (progress bars) or it is
/// redirected, the token Ctrl-C cancels (none in process, where nothing sends it), and the CPU
/// kernels asked for (<c>--kernels</c>), which libtorch starts with and child processes inherit.
/// </summary>
public sealed record CliConsole(TextWriter Out, TextWriter Error, bool Interactive, CancellationToken Interrupt = default, KernelChoice Kernels = KernelChoice.Pinned)
{
    /// <summary>How this command runs a lesson unless it says more: Ctrl-C stops it, libtorch starts with the kernels asked for.</summary>
    public LessonSettings Settings => new() { Interrupt = Interrupt, Kernels = Kernels };
}
