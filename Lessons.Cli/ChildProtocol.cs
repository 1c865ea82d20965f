using System.Text.Json;

namespace Lessons.Cli;

/// <summary>A child's failure as its parent receives it: the one-line message (without "error: ") and the exit code.</summary>
public sealed record ChildError(string Message, int ExitCode);

/// <summary>
/// What a child process of this program reports on stdout, as one JSON object, whatever it ran:
/// its payload (the command's result: a transcript, a parity verdict, a docs section…), the files it
/// wrote, the lines it has for the user's stderr (notes, warnings), and its error with its exit code.
/// The parent reads nothing else of the child: its stderr carries only progress, for a watcher.
/// </summary>
public sealed record Envelope<T>(T? Payload, IReadOnlyList<string> Files, IReadOnlyList<string> Notices, ChildError? Error)
{
    /// <summary>
    /// The envelope of a child that ended without writing one: it crashed, or was killed. A signal
    /// (.NET reports 128 + its number) is named, and is a failure (exit 1), not the shell's 128 + N,
    /// except SIGINT, which is the user's interrupt (130).
    /// </summary>
    public static Envelope<T> Missing(int exitCode) => new(default, [], [], exitCode switch
    {
        ExitCodes.Interrupted => new ChildError("its process was interrupted (signal 2, SIGINT) before it reported", ExitCodes.Interrupted),
        > 128 and < 128 + 65 => new ChildError($"its process was killed by signal {exitCode - 128}{SignalName(exitCode - 128)} before it reported", ExitCodes.Failed),
        _ => new ChildError($"the child process exited {exitCode} without a report", exitCode == ExitCodes.Ok ? ExitCodes.Failed : exitCode),
    });

    static string SignalName(int signal) => signal switch
    {
        6 => " (SIGABRT)",
        9 => " (SIGKILL)",
        11 => " (SIGSEGV)",
        15 => " (SIGTERM)",
        _ => "",
    };
}

/// <summary>
/// The child's side of the protocol: what a command run with <see cref="ChildProtocol.Flag"/> collects
/// instead of printing, written as one <see cref="Envelope{T}"/> when the command ends.
/// </summary>
public sealed class ChildReport
{
    /// <summary>The command's typed result; when none is set, the payload is the text the command printed.</summary>
    public object? Payload { get; set; }

    public List<string> Files { get; } = [];

    public List<string> Notices { get; } = [];

    public ChildError? Error { get; private set; }

    public void Fail(string message, int exitCode) => Error ??= new ChildError(message, exitCode);

    public string ToJson(string printed) =>
        JsonSerializer.Serialize(new Envelope<object>(Payload ?? printed, Files, Notices, Error), RunJson.Options);
}

/// <summary>The flag that makes this program a child of itself, and reading an envelope back.</summary>
public static class ChildProtocol
{
    /// <summary>Hidden, on every command: write one envelope on stdout instead of printing.</summary>
    public const string Flag = "--child";

    public static bool IsChild(IReadOnlyList<string> args) => args.Contains(Flag);

    /// <summary>The envelope a child wrote, or <see cref="Envelope{T}.Missing"/> when its stdout holds none.</summary>
    public static Envelope<T> Read<T>(string stdout, int exitCode)
    {
        try
        {
            return JsonSerializer.Deserialize<Envelope<T>>(stdout, RunJson.Options) ?? Envelope<T>.Missing(exitCode);
        }
        catch (JsonException)
        {
            return Envelope<T>.Missing(exitCode);
        }
    }
}
