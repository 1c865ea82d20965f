using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Lessons.Core.Exercises;

namespace Lessons.Cli;

/// <summary>What one check in the checker's process came to: the verdict, the fingerprint of the text it judged, the exit code <c>check</c> gives.</summary>
public sealed record CheckOutcome(ExerciseVerdict Verdict, string? Fingerprint)
{
    public int ExitCode => ExerciseCommands.ExitCode(Verdict);
}

/// <summary>
/// The checker: a child process of this program (<c>check --serve</c>) that compiles and checks
/// exercises one request at a time, so the learner's code cannot take this process with it (a
/// stack overflow, libtorch's abort, <c>Environment.Exit</c>), and a watch keeps .NET, libtorch and
/// Roslyn started between saves. The two talk in JSON lines: this side writes a random key, then one
/// request a line; the child answers with lines that carry the key. Only the child's final verdict
/// with the key counts; the learner's code does not know the key, so whatever it prints (on stdout,
/// however it gets there) is relayed as the learner's, capped, and never read as a verdict. Any
/// other end of the child is a failed check, worded from its exit code and stderr (libtorch's
/// message when libtorch aborted).
/// </summary>
public sealed class ExerciseProcess : IDisposable
{
    /// <summary>The hidden option that makes <c>check</c> the checker: requests on stdin, answers on stdout.</summary>
    public const string Serve = "--serve";

    /// <summary>With <see cref="Serve"/>: start libtorch and Roslyn before the first request arrives.</summary>
    public const string Warm = "--warm";

    /// <summary>The learner's output allowed per check, in characters, before the rest is cut (Exercism's runners allow 500 per test).</summary>
    public const int LearnerOutputCap = 2000;

    /// <summary>How a line the learner's code printed is shown: marked, so no one reads it as the tool's.</summary>
    public const string LearnerMark = "[your code] ";

    /// <summary>The lines of the child's stderr kept for wording a crash: libtorch's message is in its first lines.</summary>
    const int StderrKept = 40;

    readonly Process process;
    readonly string key = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
    readonly Lock gate = new();
    readonly List<string> stderr = [];
    readonly TaskCompletionSource exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    Request? current;
    Thread? errorReader;
    volatile bool killed;
    volatile bool ending;

    ExerciseProcess(Process process) => this.process = process;

    /// <summary>Whether the checker still runs and may take a request.</summary>
    public bool Alive => !exited.Task.IsCompleted && !killed && !ending;

    /// <summary>How long the last check took, from its request to its verdict.</summary>
    public TimeSpan LastCheck { get; private set; }

    public static ExerciseProcess Start(bool warm)
    {
        ProcessStartInfo start = SelfProcess.StartInfo(warm ? ["check", Serve, Warm] : ["check", Serve]);
        start.RedirectStandardInput = true;
        var child = new ExerciseProcess(new Process { StartInfo = start });
        child.process.Start();
        child.process.StandardInput.AutoFlush = true;
        child.process.StandardInput.WriteLine(child.key);
        var stdout = new Thread(child.ReadOutput) { IsBackground = true, Name = "checker stdout" };
        var errors = new Thread(child.ReadErrors) { IsBackground = true, Name = "checker stderr" };
        child.errorReader = errors;
        stdout.Start();
        errors.Start();
        return child;
    }

    /// <summary>
    /// Checks the exercise; <paramref name="say"/> gets each line to print (the checker's, and the
    /// learner's marked), on the checker's reading thread. One check at a time.
    /// </summary>
    public Task<CheckOutcome> Check(ExerciseFolder folder, Exercise exercise, int seconds, Action<string> say, string? plots = null)
    {
        var request = new Request(exercise, folder, say);
        lock (gate)
        {
            if (current is not null) throw new InvalidOperationException("the checker is busy");
            current = request;
        }
        if (!Alive)
        {
            Ended(request);
            return request.Done.Task;
        }
        var line = new JsonObject { ["exercise"] = exercise.Id, ["folder"] = folder.FullPath, ["timeout"] = seconds };
        if (plots is not null) line["plots"] = plots;
        try
        {
            process.StandardInput.WriteLine(line.ToJsonString());
        }
        catch (IOException)
        {
            // It ended meanwhile: its end is worded when its output closes.
        }
        return request.Done.Task;
    }

    /// <summary>No more requests: the checker ends when its stdin closes.</summary>
    public void Finish()
    {
        try
        {
            process.StandardInput.Close();
        }
        catch (IOException) { }
    }

    /// <summary>Ends the checker now and relays nothing more from it; a check in flight ends as interrupted.</summary>
    public void Kill()
    {
        killed = true;
        try
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException) { } // it ended meanwhile
        Request? request;
        lock (gate)
        {
            request = current;
            current = null;
        }
        request?.Done.TrySetCanceled();
    }

    public void Dispose()
    {
        if (!exited.Task.IsCompleted)
        {
            Finish();
            if (!exited.Task.Wait(TimeSpan.FromSeconds(5))) Kill();
        }
        process.Dispose();
    }

    sealed class Request(Exercise exercise, ExerciseFolder folder, Action<string> say)
    {
        public Exercise Exercise { get; } = exercise;
        public ExerciseFolder Folder { get; } = folder;
        public Action<string> Say { get; } = say;
        public TaskCompletionSource<CheckOutcome> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public Stopwatch Clock { get; } = Stopwatch.StartNew();
        public int Running = -1;
        public int Passed;
        public int LearnerCharacters;
        public bool LearnerCut;
    }

    void ReadOutput()
    {
        try
        {
            while (process.StandardOutput.ReadLine() is string line)
            {
                Request? request;
                lock (gate) request = current;
                if (request is null || killed) continue;
                JsonObject? message = Parse(line);
                if (message is null)
                {
                    Learner(request, line); // printed by the learner's code past the checker's console
                    continue;
                }
                if (message["say"]?.GetValue<string>() is string say) request.Say(say);
                else if (message["learner"]?.GetValue<string>() is string printed) Learner(request, printed);
                else if (message["running"]?.GetValue<int>() is int running) request.Running = running;
                else if (message["passed"]?.GetValue<int>() is int passed) request.Passed = passed + 1;
                else if (message["verdict"]?.GetValue<string>() is string verdict)
                {
                    if (message["ending"]?.GetValue<bool>() == true) ending = true;
                    lock (gate) current = null;
                    LastCheck = request.Clock.Elapsed;
                    request.Done.TrySetResult(new CheckOutcome(Enum.Parse<ExerciseVerdict>(verdict), message["fingerprint"]?.GetValue<string>()));
                }
            }
            process.WaitForExit();
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or InvalidOperationException)
        {
            // Our own stdout failed (a full disk under `check > file`): the command words it.
            Request? failed;
            lock (gate) failed = current;
            failed?.Done.TrySetException(e);
            Kill();
            return;
        }
        exited.TrySetResult();
        Request? left;
        lock (gate) left = current;
        if (left is not null && !killed)
        {
            try
            {
                Ended(left);
            }
            catch (Exception e) when (e is IOException or ObjectDisposedException)
            {
                left.Done.TrySetException(e);
            }
        }
    }

    void ReadErrors()
    {
        try
        {
            while (process.StandardError.ReadLine() is string line)
                lock (stderr)
                    if (stderr.Count < StderrKept) stderr.Add(line);
        }
        catch (IOException) { }
    }

    JsonObject? Parse(string line)
    {
        if (!line.StartsWith('{')) return null;
        try
        {
            return JsonNode.Parse(line) is JsonObject message && message["key"]?.GetValue<string>() == key ? message : null;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            return null;
        }
    }

    // The learner's output, marked and capped per check.
    static void Learner(Request request, string line)
    {
        if (request.LearnerCut) return;
        request.LearnerCharacters += line.Length + 1;
        if (request.LearnerCharacters > LearnerOutputCap)
        {
            request.LearnerCut = true;
            request.Say($"{LearnerMark}… the rest of your code's output is cut: a check shows at most {LearnerOutputCap} characters of it");
            return;
        }
        request.Say(LearnerMark + line);
    }

    // The child ended before its verdict: the learner's code ended it. Worded here, then the summary.
    void Ended(Request request)
    {
        lock (gate) current = null;
        // The stderr reader may still be reading libtorch's last lines: until that pipe closes too.
        errorReader?.Join(TimeSpan.FromSeconds(2));
        string[] errors;
        lock (stderr) errors = [.. stderr];
        int code = process.HasExited ? process.ExitCode : -1;
        Exercise exercise = request.Exercise;
        int index = Math.Clamp(request.Running < 0 ? request.Passed : request.Running, 0, exercise.Checks.Count - 1);
        request.Say($"✘ {exercise.Checks[index].Name}");
        request.Say("    " + ExerciseCrash.Reason(code, errors, request.Folder, exercise));
        for (int i = index + 1; i < exercise.Checks.Count; i++) request.Say(ExerciseRun.NotChecked(exercise.Checks[i]));
        request.Say(ExerciseRun.FailedSummary(exercise, request.Passed));
        LastCheck = request.Clock.Elapsed;
        request.Done.TrySetResult(new CheckOutcome(ExerciseVerdict.Failing, request.Folder.Fingerprint(exercise)));
    }
}

/// <summary>Why the checker's process ended before its verdict, in one line: a signal, libtorch's abort with its message and likely cause, or an exit the learner's code called.</summary>
public static class ExerciseCrash
{
    public static string Reason(int code, IReadOnlyList<string> stderr, ExerciseFolder folder, Exercise exercise)
    {
        if (stderr.Any(l => l.StartsWith("Stack overflow", StringComparison.Ordinal)))
            return "your code overflowed the stack (a method that calls itself without end?); the check's process ended";
        string? what = stderr.Select(l => l.Trim()).FirstOrDefault(l => l.StartsWith("what():", StringComparison.Ordinal))?["what():".Length..].Trim();
        if (what is not null)
        {
            string message = FirstSentence(what);
            string reason = $"libtorch aborted the check's process: {message}";
            if (what.Contains("backward through the graph a second time", StringComparison.Ordinal))
            {
                string? at = LearnerSyntax.FirstDifferentiationWithoutRetainGraph(folder.Files(exercise));
                reason += " Likely cause: an earlier backward or autograd.grad freed the graph; pass retain_graph: true to it"
                    + (at is null ? "" : $" ({at})");
            }
            return reason;
        }
        if (code > 128 && code < 128 + 32)
            return $"the check's process was killed by signal {code - 128} ({SignalName(code - 128)}) while running your code";
        return code < 0
            ? "the check's process ended while running your code"
            : $"your code ended the check's process (exit code {code}: Environment.Exit?) before the checks finished; only the checker's own report counts";
    }

    static string FirstSentence(string text)
    {
        int end = text.IndexOf(". ", StringComparison.Ordinal);
        return end < 0 ? text : text[..(end + 1)];
    }

    static string SignalName(int signal) => signal switch
    {
        4 => "SIGILL",
        6 => "SIGABRT",
        7 => "SIGBUS",
        8 => "SIGFPE",
        9 => "SIGKILL",
        11 => "SIGSEGV",
        15 => "SIGTERM",
        _ => "a signal",
    };
}
