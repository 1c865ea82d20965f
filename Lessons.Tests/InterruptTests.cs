using System.Diagnostics;
using Lessons.Cli;

namespace Lessons.Tests;

/// <summary>
/// Ctrl-C against the real program: the built CLI runs a long lesson in a child process, gets
/// SIGINT once its progress shows, and must stop at the next step with one line and exit 130,
/// leaving no half-written file; on a terminal, the progress bar must be cleared and the cursor
/// shown again. Linux only (kill(1), env, script(1)).
/// </summary>
[Collection(TorchCollection.Name)]
public sealed class InterruptTests : IDisposable
{
    readonly string scratch = Path.Combine(Path.GetTempPath(), $"lessons-interrupt-{Environment.ProcessId}-{Guid.NewGuid():N}");

    public InterruptTests() => Directory.CreateDirectory(scratch);

    public void Dispose() => Directory.Delete(scratch, recursive: true);

    static string Cli => Path.Combine(AppContext.BaseDirectory, "lessons.dll");

    static string Dotnet =>
        Environment.ProcessPath is string host && Path.GetFileNameWithoutExtension(host) == "dotnet" ? host : "dotnet";

    [Fact]
    public async Task Ctrl_C_stops_the_lesson_at_its_next_step_with_one_line_and_exit_130()
    {
        if (!OperatingSystem.IsLinux()) return;
        string plots = Path.Combine(scratch, "plots");
        var start = Command([Dotnet, Cli, "lesson", "four-class-raw", "--plots", plots]);
        using Process process = Process.Start(start)!;
        var errors = new List<string>();
        var progressShown = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            lock (errors) errors.Add(e.Data);
            if (e.Data.StartsWith("[four-class-raw] training", StringComparison.Ordinal)) progressShown.TrySetResult();
        };
        process.BeginErrorReadLine();
        Task<string> output = process.StandardOutput.ReadToEndAsync();

        await progressShown.Task.WaitAsync(TimeSpan.FromSeconds(60)); // the lesson is in its training loop
        SendInterrupt(process.Id);
        using (var limit = new CancellationTokenSource(TimeSpan.FromSeconds(60)))
            await process.WaitForExitAsync(limit.Token); // also drains the redirected streams

        Assert.Equal(ExitCodes.Interrupted, process.ExitCode);
        string line;
        lock (errors) line = Assert.Single(errors, l => !l.StartsWith('['));
        Assert.Matches(@"^error: interrupted at step \d+ of 10000 \(training\)$", line);
        Assert.StartsWith("# four-class-raw:", await output);
        Assert.Empty(Directory.EnumerateFileSystemEntries(plots)); // no figure, whole or half
    }

    [Fact]
    public void On_a_terminal_Ctrl_C_clears_the_progress_bar_and_shows_the_cursor_again()
    {
        if (!OperatingSystem.IsLinux() || !File.Exists("/usr/bin/script")) return;
        string pidFile = Path.Combine(scratch, "pid"), typescript = Path.Combine(scratch, "typescript");
        // script(1) gives the program a pseudo-terminal, so it draws the Spectre bar; the shell
        // writes its pid and execs the program, which keeps that pid.
        var start = Command(["/usr/bin/script", "-qfec", $"echo $$ > '{pidFile}'; exec '{Dotnet}' '{Cli}' lesson four-class-raw", typescript]);
        start.Environment["TERM"] = "xterm-256color";
        using Process script = Process.Start(start)!;
        _ = script.StandardOutput.ReadToEndAsync();
        _ = script.StandardError.ReadToEndAsync();

        var clock = Stopwatch.StartNew();
        while (!(File.Exists(typescript) && File.ReadAllText(typescript).Contains("four-class-raw: training", StringComparison.Ordinal)))
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), "no progress bar within 60 s");
            Assert.False(script.HasExited, "the program ended before its progress bar showed");
            Thread.Sleep(50);
        }
        SendInterrupt(int.Parse(File.ReadAllText(pidFile).Trim()));
        Assert.True(script.WaitForExit(60_000), "still running 60 s after SIGINT");

        Assert.Equal(ExitCodes.Interrupted, script.ExitCode); // script -e passes the program's exit code on
        string screen = File.ReadAllText(typescript);
        int hidden = screen.LastIndexOf("\u001b[?25l", StringComparison.Ordinal);
        int shown = screen.LastIndexOf("\u001b[?25h", StringComparison.Ordinal);
        int error = screen.IndexOf("error: interrupted at step", StringComparison.Ordinal);
        Assert.True(hidden >= 0, "the bar never hid the cursor: was it drawn?");
        Assert.True(shown > hidden, "the cursor was not shown again");
        Assert.True(error > shown, "the error line came before the terminal was restored");
        Assert.Contains("\u001b[2K", screen[hidden..error]); // the bar's line was cleared
    }

    /// <summary>
    /// The command, with SIGINT reset to its default: a shell that started the tests in the
    /// background leaves SIGINT ignored, the children inherit that, and .NET keeps an ignored
    /// SIGINT ignored, as programs should for background jobs.
    /// </summary>
    static ProcessStartInfo Command(IReadOnlyList<string> command)
    {
        var start = new ProcessStartInfo { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (EnvResetsSignals.Value)
        {
            start.FileName = "env";
            start.ArgumentList.Add("--default-signal=INT");
            foreach (string part in command) start.ArgumentList.Add(part);
        }
        else
        {
            start.FileName = command[0];
            foreach (string part in command.Skip(1)) start.ArgumentList.Add(part);
        }
        return start;
    }

    static readonly Lazy<bool> EnvResetsSignals = new(() =>
    {
        try
        {
            using Process probe = Process.Start(new ProcessStartInfo("env", ["--default-signal=INT", "true"]) { RedirectStandardError = true })!;
            probe.WaitForExit();
            return probe.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    });

    static void SendInterrupt(int pid)
    {
        using Process kill = Process.Start("kill", ["-INT", pid.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
        Assert.Equal(0, kill.ExitCode);
    }
}
