using System.Collections.Concurrent;
using System.Text;
using System.Text.Json.Nodes;
using Lessons.Core.Exercises;
using Lessons.Core.Exercises.OwnEngine;
using Lessons.Core.Figures;
using Lessons.Core.Torch;
using TorchSharp;

namespace Lessons.Cli;

/// <summary>
/// The checker's side of <see cref="ExerciseProcess"/> (<c>check --serve</c>): reads requests, one a
/// line, compiles the learner's file with Roslyn and runs the checks on a thread of their own, so
/// that code which never returns is stopped after <c>limit</c> per check (.NET cannot abort a
/// thread: it is left behind, and this process ends after its verdict, for the parent to start
/// another). Says one line per check, and for the first failure what was expected and what came;
/// the checks after a failure are "not checked". What the learner's code prints goes to the parent
/// as the learner's, never mixed with the report.
/// </summary>
public static class ExerciseRun
{
    public const int DefaultSeconds = 15;

    /// <summary>The compiler errors shown for a file that does not compile; the rest are counted.</summary>
    public const int ErrorsShown = 10;

    /// <summary>True once a check was stopped: its thread still runs the learner's code, maybe inside libtorch.</summary>
    public static bool LeftRunning { get; private set; }

    /// <summary>
    /// Ends the process at once with <paramref name="code"/>, after flushing what was written: with a
    /// stopped check's thread still inside libtorch, the usual shutdown (libtorch's static destructors)
    /// can crash under it and turn the exit code into a signal's.
    /// </summary>
    public static void ExitNow(int code)
    {
        Console.Out.Flush();
        Console.Error.Flush();
        _exit(code);
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "_exit")]
    static extern void _exit(int status);

    /// <summary>The checker's loop: the key on the first line of stdin, then one request a line, until stdin closes.</summary>
    public static int Serve(bool warm)
    {
        var channel = new Channel(new StreamWriter(Console.OpenStandardOutput(), new UTF8Encoding(false)) { AutoFlush = true }, Console.In.ReadLine() ?? "");
        var learner = new LearnerWriter(channel);
        // The learner's Console.Write and Console.Error.Write: theirs, relayed as such.
        Console.SetOut(learner);
        Console.SetError(learner);
        if (warm) WarmUp();
        while (Console.In.ReadLine() is string line)
        {
            if (JsonNode.Parse(line) is not JsonObject request) continue;
            Exercise exercise = ExerciseBook.Get(request["exercise"]!.GetValue<string>());
            ExerciseFolder folder = ExerciseFolder.Locate(request["folder"]!.GetValue<string>());
            int seconds = request["timeout"]?.GetValue<int>() ?? DefaultSeconds;
            learner.Reset();
            string? plots = request["plots"]?.GetValue<string>();
            var (verdict, fingerprint) = Check(channel, learner, folder, exercise, TimeSpan.FromSeconds(seconds), plots);
            learner.Flush();
            // "ending": this process ends after the verdict (a stopped check's thread runs on), so the parent takes no more requests to it.
            channel.Send(new JsonObject { ["verdict"] = verdict.ToString(), ["fingerprint"] = fingerprint, ["ending"] = LeftRunning });
            // A stopped check's thread still runs: no later check could trust this process.
            if (LeftRunning) ExitNow(ExitCodes.Ok);
        }
        return ExitCodes.Ok;
    }

    // .NET's JIT, libtorch and Roslyn, started before the first save, so a watch's first check is as quick as its next.
    static void WarmUp()
    {
        TorchRuntime.Start(KernelChoice.Pinned);
        torch.set_num_threads(1);
        using (torch.NewDisposeScope())
        {
            var x = torch.ones(2, 2, requires_grad: true);
            (x * x).sum().backward();
        }
        ExerciseCompiler.Compile("public static class Warm { public static int One() => 1; }", "warm.cs");
    }

    static (ExerciseVerdict Verdict, string? Fingerprint) Check(Channel channel, LearnerWriter learner, ExerciseFolder folder, Exercise exercise, TimeSpan limit, string? plots)
    {
        var (verdict, fingerprint, code) = CheckCompiled(channel, learner, folder, exercise, limit);
        if (plots is not null && code is not null && !LeftRunning) Draw(channel, exercise, code, plots);
        return (verdict, fingerprint);
    }

    // The capstone's picture: the learner's graph of the tutorial's y beside libtorch's.
    static void Draw(Channel channel, Exercise exercise, LearnerCode code, string directory)
    {
        try
        {
            GraphPictureResult result = EngineGraphPicture.Write(exercise, code, directory);
            foreach (string file in result.Files) channel.Say($"figure: {file}");
            if (result.Problem is not null) channel.Say($"note: {result.Problem}");
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            CheckResult described = e is CheckFailedException failed ? new CheckResult("", CheckStatus.Failed, failed.Message) : ExerciseChecker.Describe("", e, code);
            channel.Say($"note: graph picture not drawn: your engine could not build y = (w + x) * (w + 1): {described.Problem}");
        }
    }

    static (ExerciseVerdict Verdict, string? Fingerprint, LearnerCode? Code) CheckCompiled(Channel channel, LearnerWriter learner, ExerciseFolder folder, Exercise exercise, TimeSpan limit)
    {
        string display = folder.DisplayPathOf(exercise);
        channel.Say($"{exercise.Id} ({display}): {exercise.Task}");
        var files = new List<LearnerFile>();
        foreach (Exercise part in exercise.CompiledWith.Append(exercise))
        {
            string path = folder.FileOf(part);
            if (!File.Exists(path))
            {
                channel.Say($"✘ {folder.DisplayPathOf(part)} is missing; `lessons exercises --reset {part.Id}` writes the stub again");
                return (ExerciseVerdict.Failing, null, null);
            }
            byte[] bytes = File.ReadAllBytes(path);
            if (!LearnerFile.IsText(bytes))
            {
                channel.Say($"✘ {folder.DisplayPathOf(part)} is not a C# text file (it holds bytes that are not UTF-8 text); "
                    + $"`lessons exercises --reset {part.Id}` writes the stub again, keeping your file aside");
                return (ExerciseVerdict.DoesNotCompile, null, null);
            }
            files.Add(new LearnerFile(Encoding.UTF8.GetString(bytes), folder.DisplayPathOf(part)));
        }
        string fingerprint = ExerciseProgress.FingerprintOf(files.Select(f => f.Source));

        CompileOutcome outcome = ExerciseCompiler.Compile(files);
        if (!outcome.Compiled)
        {
            foreach (CompileError error in outcome.Errors.Take(ErrorsShown)) channel.Say(error.ToString());
            int more = outcome.Errors.Count - ErrorsShown;
            if (more > 0) channel.Say($"… and {more} more error{(more == 1 ? "" : "s")}");
            channel.Say($"✘ {display} does not compile: {outcome.Errors.Count} error{(outcome.Errors.Count == 1 ? "" : "s")}");
            return (ExerciseVerdict.DoesNotCompile, fingerprint, null);
        }

        var events = new BlockingCollection<object>();
        var worker = new Thread(() =>
        {
            try
            {
                ExerciseChecker.Run(exercise, outcome.Code!, starting: check => events.Add(check), finished: result => events.Add(result));
            }
            catch (Exception e)
            {
                events.Add(e);
            }
            events.Add(Done);
        }, maxStackSize: 16 << 20) { IsBackground = true, Name = $"exercise {exercise.Id}" };
        worker.Start();

        var results = new List<CheckResult>();
        ExerciseCheck? running = null;
        while (true)
        {
            // A time limit past int's milliseconds (--timeout allows any int of seconds) waits as long as TryTake can.
            if (!events.TryTake(out object? item, running is null ? Timeout.Infinite : (int)Math.Min(limit.TotalMilliseconds, int.MaxValue - 1)))
            {
                learner.Flush();
                channel.Say($"✘ {running!.Name}");
                channel.Say($"    stopped after {limit.TotalSeconds:0} s: your code has not returned (an endless loop?)");
                LeftRunning = true;
                return (Failed(channel, exercise, results, results.Count + 1), fingerprint, null);
            }
            switch (item)
            {
                case ExerciseCheck check:
                    running = check;
                    channel.Send(new JsonObject { ["running"] = results.Count });
                    break;
                case CheckResult result:
                    running = null;
                    learner.Flush();
                    Print(channel, result);
                    if (result.Passed) channel.Send(new JsonObject { ["passed"] = results.Count });
                    results.Add(result);
                    break;
                case Exception e:
                    channel.Say($"✘ the checker failed: {TorchErrors.OneLine(e)}");
                    return (Failed(channel, exercise, results, results.Count), fingerprint, outcome.Code);
                default:
                    int total = exercise.Checks.Count;
                    if (results.Count == total && results.All(r => r.Passed))
                    {
                        channel.Say($"{exercise.Id} passes: {total} of {total} checks");
                        return (ExerciseVerdict.Passing, fingerprint, outcome.Code);
                    }
                    // A stub not started: its one line says it all.
                    if (results.Any(r => r.Status == CheckStatus.NotWritten)) return (ExerciseVerdict.Failing, fingerprint, outcome.Code);
                    return (Failed(channel, exercise, results, results.Count), fingerprint, outcome.Code);
            }
        }
    }

    static readonly object Done = new();

    // The checks after the one that failed, then the count.
    static ExerciseVerdict Failed(Channel channel, Exercise exercise, IReadOnlyList<CheckResult> results, int ran)
    {
        foreach (ExerciseCheck check in exercise.Checks.Skip(ran)) channel.Say(NotChecked(check));
        channel.Say(FailedSummary(exercise, results.Count(r => r.Passed)));
        return ExerciseVerdict.Failing;
    }

    /// <summary>A check that did not run because an earlier one failed: never a ✘, which would blame it.</summary>
    public static string NotChecked(ExerciseCheck check) => $"· {check.Name}: not checked (an earlier check failed)";

    public static string FailedSummary(Exercise exercise, int passed) =>
        $"{exercise.Id}: {passed} of {exercise.Checks.Count} checks pass; `lessons hint {exercise.Id}` gives a hint";

    static void Print(Channel channel, CheckResult result)
    {
        switch (result.Status)
        {
            case CheckStatus.Passed:
                channel.Say($"✔ {result.Name}");
                break;
            case CheckStatus.NotWritten:
                // The stub's gap: the one thing to say, instead of the check's name.
                channel.Say($"✘ {result.Problem}");
                break;
            default:
                channel.Say($"✘ {result.Name}");
                channel.Say($"    {result.Problem}");
                foreach (string detail in result.Details ?? []) channel.Say($"    {detail}");
                break;
        }
    }

    /// <summary>The checker's stdout: JSON lines carrying the parent's key, from any thread.</summary>
    sealed class Channel(StreamWriter output, string key)
    {
        readonly Lock gate = new();

        public void Say(string line) => Send(new JsonObject { ["say"] = line });

        public void Send(JsonObject message)
        {
            message["key"] = key;
            string text = message.ToJsonString();
            lock (gate) output.WriteLine(text);
        }
    }

    /// <summary>Console.Out and Console.Error for the learner's code: each line to the parent as the learner's, no more than the cap per check.</summary>
    sealed class LearnerWriter(Channel channel) : TextWriter
    {
        readonly StringBuilder line = new();
        int sent;

        public override Encoding Encoding => Encoding.UTF8;

        public void Reset()
        {
            lock (line)
            {
                line.Clear();
                sent = 0;
            }
        }

        public override void Write(string? value)
        {
            lock (line)
                foreach (char c in value ?? "")
                {
                    if (sent > ExerciseProcess.LearnerOutputCap) return;
                    Write(c);
                }
        }

        public override void Write(char value)
        {
            lock (line)
            {
                if (sent > ExerciseProcess.LearnerOutputCap) return; // the parent has its note; the rest is dropped here, not piped
                if (value == '\n') Emit();
                else if (value != '\r') line.Append(value);
                if (line.Length > ExerciseProcess.LearnerOutputCap) Emit();
            }
        }

        public override void Flush()
        {
            lock (line)
                if (line.Length > 0) Emit();
        }

        void Emit()
        {
            string text = line.ToString();
            line.Clear();
            sent += text.Length + 1;
            channel.Send(new JsonObject { ["learner"] = text });
        }
    }
}
