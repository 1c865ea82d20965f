namespace Lessons.Cli;

/// <summary>Where the command line writes, and whether a person watches stderr (progress bars) or it is redirected.</summary>
public sealed record CliConsole(TextWriter Out, TextWriter Error, bool Interactive);
