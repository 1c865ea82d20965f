namespace Lessons.Cli;

/// <summary>
/// Where the command line writes, whether a person watches stderr (progress bars) or it is
/// redirected, and the token Ctrl-C cancels (none in process, where nothing sends it).
/// </summary>
public sealed record CliConsole(TextWriter Out, TextWriter Error, bool Interactive, CancellationToken Interrupt = default);
