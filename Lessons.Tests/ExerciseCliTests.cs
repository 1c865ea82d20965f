using System.Diagnostics;
using System.Text;
using Lessons.Cli;
using Lessons.Core.Exercises;

namespace Lessons.Tests;

/// <summary>
/// The exercises from the command line: <c>exercises</c>, <c>check</c>, <c>hint</c>, <c>--reset</c> and
/// <c>--watch</c>, each on a copy of the exercises folder in a temporary folder.
/// </summary>
[Collection(TorchCollection.Name)]
public sealed class ExerciseCliTests : IDisposable
{
    readonly string folder = Path.Combine(Path.GetTempPath(), "lessons-exercises-" + Guid.NewGuid().ToString("N"));

    public ExerciseCliTests()
    {
        Directory.CreateDirectory(folder);
        foreach (Exercise exercise in ExerciseBook.All) File.WriteAllText(FileOf(exercise.Id), exercise.Stub);
    }

    public void Dispose() => Directory.Delete(folder, recursive: true);

    string FileOf(string id) => Path.Combine(folder, ExerciseBook.Get(id).FileName);

    static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    [Fact]
    public void Check_on_the_untouched_relu_stub_fails_with_one_clear_line()
    {
        CliResult result = CliRun.Run("check", "relu-backward", "--exercises", folder);
        Assert.Equal(ExitCodes.CheckFailed, result.Code);
        Assert.Equal(
            [
                $"relu-backward ({FileOf("relu-backward")}): write MyReLU's backward",
                $"✘ MyReLU.backward is not written yet: the TODO at {FileOf("relu-backward")}:36 still throws NotImplementedException",
            ], Lines(result.Out));
        Assert.Equal("", result.Err);
    }

    [Fact]
    public void Check_with_the_reference_solution_in_place_passes_every_check()
    {
        File.WriteAllText(FileOf("relu-backward"), ExerciseSolutions.For("relu-backward"));
        CliResult result = CliRun.Run("check", "relu-backward", "--exercises", folder);
        Assert.Equal(ExitCodes.Ok, result.Code);
        string[] lines = Lines(result.Out);
        Assert.Equal(ExerciseBook.Get("relu-backward").Checks.Select(c => "✔ " + c.Name), lines[1..4]);
        Assert.Equal("relu-backward passes: 3 of 3 checks", lines[4]);
        Assert.StartsWith("Why it works: ", lines[5]);
        Assert.Equal("The lesson custom-relu-function shows the idea: `lessons lesson custom-relu-function --code`.", lines[6]);
        // The next exercise that does not pass, in course order after this one.
        Assert.Equal($"Next: 07 sigmoid-layer-backward ({FileOf("sigmoid-layer-backward")})", lines[7]);
    }

    [Fact]
    public void A_wrong_answer_prints_each_check_and_the_first_failures_numbers()
    {
        File.WriteAllText(FileOf("grad-accumulation"), ExerciseSolutions.Mutated("grad-accumulation", "w.grad.zero_();", ""));
        CliResult result = CliRun.Run("check", "grad-accumulation", "--exercises", folder);
        Assert.Equal(ExitCodes.CheckFailed, result.Code);
        string[] lines = Lines(result.Out);
        Assert.Equal("✘ w.grad is tensor([5.]) at each of 4 passes, as the tutorial prints with zero_()", lines[1]);
        Assert.StartsWith("w.grad after each pass differs from the tutorial's tensor([5.]) at every pass (001 §3) first at [1]: expected 5, got 10", lines[2]);
        Assert.Equal(["expected: [5, 5, 5, 5]", "got:      [5, 10, 15, 20]"], lines[3..5]);
        Assert.Equal("· it stays 5 over 10 passes: not checked (an earlier check failed)", lines[5]); // never a ✘ that blames it
        Assert.Equal("grad-accumulation: 0 of 2 checks pass; `lessons hint grad-accumulation` gives a hint", lines[^1]);
    }

    [Fact]
    public void A_syntax_error_is_reported_with_file_line_and_column_and_its_own_exit_code()
    {
        string broken = ExerciseBook.Get("relu-backward").Stub.Replace("return input.clamp(min: 0);", "return input.clamp(min: 0)", StringComparison.Ordinal);
        File.WriteAllText(FileOf("relu-backward"), broken);
        CliResult result = CliRun.Run("check", "relu-backward", "--exercises", folder);
        Assert.Equal(ExitCodes.DoesNotCompile, result.Code);
        int line = Array.FindIndex(broken.Split('\n'), l => l.Contains("return input.clamp(min: 0)", StringComparison.Ordinal)) + 1;
        Assert.Contains($"{FileOf("relu-backward")}:{line}:35: error CS1002: ; expected", Lines(result.Out));
        Assert.Equal($"✘ {FileOf("relu-backward")} does not compile: 1 error", Lines(result.Out)[^1]);
    }

    [Fact]
    public void Code_that_never_returns_is_stopped_after_the_stated_time()
    {
        File.WriteAllText(FileOf("chain-rule"), ExerciseSolutions.Mutated("chain-rule", "return dy2Dy1 * dy1Dw1;", "while (true) { }"));
        CliResult result = CliRun.Run("check", "chain-rule", "--exercises", folder, "--timeout", "2");
        Assert.Equal(ExitCodes.CheckFailed, result.Code);
        string[] lines = Lines(result.Out);
        Assert.Equal("✘ at the tutorial's x=1, w1=2, b1=1, w2=2, b2=1 it is tensor(2.)", lines[^5]);
        Assert.Equal("stopped after 2 s: your code has not returned (an endless loop?)", lines[^4]);
        Assert.StartsWith("· equals autograd's direct dy2/dw1", lines[^3]);
        Assert.Equal("chain-rule: 0 of 3 checks pass; `lessons hint chain-rule` gives a hint", lines[^1]); // the summary, after a time-out too
        Assert.Equal("", result.Err);
    }

    [Fact]
    public void The_largest_timeout_is_accepted_and_waits()
    {
        File.WriteAllText(FileOf("grad-accumulation"), ExerciseSolutions.For("grad-accumulation"));
        CliResult result = CliRun.Run("check", "grad-accumulation", "--exercises", folder, "--timeout", int.MaxValue.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(ExitCodes.Ok, result.Code);
        Assert.Equal("", result.Err);
    }

    [Fact]
    public void A_stack_overflow_in_the_learners_code_is_one_line_not_the_runtimes_dump()
    {
        // Inside backward, which libtorch calls from native code.
        File.WriteAllText(FileOf("relu-backward"), ExerciseSolutions.Mutated("relu-backward",
            "var gradInput = grad_output.clone();", "int Deeper(int n) => Deeper(n + 1) + 1; Deeper(0); var gradInput = grad_output.clone();"));
        CliResult result = CliRun.Run("check", "relu-backward", "--exercises", folder);
        Assert.Equal(ExitCodes.CheckFailed, result.Code);
        string[] lines = Lines(result.Out);
        Assert.Equal("✘ backward passes gradcheck (float64, a 4x5 input away from 0)", lines[1]);
        Assert.Equal("your code overflowed the stack (a method that calls itself without end?); the check's process ended", lines[2]);
        Assert.Equal("relu-backward: 0 of 3 checks pass; `lessons hint relu-backward` gives a hint", lines[^1]);
        Assert.Equal("", result.Err);
    }

    [Fact]
    public void Check_without_an_id_checks_the_first_exercise_not_yet_passing()
    {
        File.WriteAllText(FileOf("two-layer-backprop"), ExerciseSolutions.For("two-layer-backprop"));
        CliResult result = CliRun.Run("check", "--exercises", folder);
        Assert.Equal(ExitCodes.CheckFailed, result.Code);
        string[] lines = Lines(result.Out);
        Assert.StartsWith("two-layer-backprop (", lines[0]);
        Assert.Contains("two-layer-backprop passes: 3 of 3 checks", lines);
        Assert.StartsWith("grad-accumulation (", lines[^2]);
        Assert.StartsWith("✘ GradAccumulation.GradientEachStep is not written yet", lines[^1]);

        // Again: nothing changed, so nothing is checked again; the failing one's last report is shown, quickly.
        var clock = Stopwatch.StartNew();
        CliResult again = CliRun.Run("check", "--exercises", folder);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"{clock.Elapsed.TotalSeconds:0.0} s");
        Assert.Equal(ExitCodes.CheckFailed, again.Code);
        Assert.Equal(["✔ two-layer-backprop passes (unchanged since its last check)", lines[^2], lines[^1],
            "(unchanged since its last check; `lessons check grad-accumulation` checks it again)"], Lines(again.Out));
    }

    [Fact]
    public void Check_without_an_id_when_every_exercise_passes_says_the_course_is_done()
    {
        ExerciseFolder located = ExerciseFolder.Locate(folder);
        ExerciseProgress progress = located.Progress();
        foreach (Exercise exercise in ExerciseBook.All)
        {
            File.WriteAllText(FileOf(exercise.Id), ExerciseSolutions.For(exercise.Id));
        }
        foreach (Exercise exercise in ExerciseBook.All) progress.Record(exercise, located.Fingerprint(exercise)!, ExerciseVerdict.Passing);
        Assert.True(progress.TrySave());
        CliResult result = CliRun.Run("check", "--exercises", folder);
        Assert.Equal(ExitCodes.Ok, result.Code);
        Assert.Equal([.. ExerciseBook.All.Select(e => $"✔ {e.Id} passes (unchanged since its last check)"), $"All {ExerciseBook.All.Count} exercises pass: the course is done."], Lines(result.Out));
        Assert.StartsWith($"{ExerciseBook.All.Count} of {ExerciseBook.All.Count} pass: the course is done", CliRun.Run("exercises", "--exercises", folder).Out);
    }

    [Fact]
    public void Exercises_lists_each_with_its_section_and_status()
    {
        File.WriteAllText(FileOf("grad-accumulation"), ExerciseSolutions.For("grad-accumulation"));
        File.WriteAllText(FileOf("chain-rule"), ExerciseSolutions.Mutated("chain-rule", "return dy2Dy1 * dy1Dw1;", "return dy2Dy1;"));
        File.Delete(FileOf("inplace-leaf"));
        CliResult result = CliRun.Run("exercises", "--exercises", folder);
        Assert.Equal(ExitCodes.Ok, result.Code);
        string[] lines = Lines(result.Out).Where(l => !l.EndsWith(':')).ToArray(); // the chapters' headings aside
        Assert.Equal($"1 of {ExerciseBook.All.Count} pass; the current one is 01 two-layer-backprop (→)", lines[0]);
        Assert.Equal(ExerciseBook.All.Count + 1, lines.Length);
        Assert.Matches(@"^→ 01  two-layer-backprop +not started  000 §1 1\.numpy和pytorch实现梯度下降法", lines[1]);
        Assert.Matches(@"^02  grad-accumulation +passing +001 §3 1\. 梯度不自动清零$", lines[2]);
        Assert.Matches(@"^03  inplace-leaf +missing +001 §3", lines[3]);
        Assert.Matches(@"^05  chain-rule +failing +002 取中间层将不能直接求导的", lines[5]);
        Assert.Matches(@"^07  sigmoid-layer-backward +not started  004 ", lines[7]);
    }

    [Fact]
    public void Exercises_and_check_trust_the_progress_file_for_unchanged_files()
    {
        File.WriteAllText(FileOf("grad-accumulation"), ExerciseSolutions.For("grad-accumulation"));
        Assert.Contains(Lines(CliRun.Run("exercises", "--exercises", folder).Out), l => l.Contains("grad-accumulation") && l.Contains("passing"));
        // Forge the stored verdict: an unchanged file is not checked again, so the listing shows what is stored.
        string progressFile = Path.Combine(folder, ExerciseProgress.FileName);
        File.WriteAllText(progressFile, File.ReadAllText(progressFile).Replace("\"Passing\"", "\"Failing\"", StringComparison.Ordinal));
        var clock = Stopwatch.StartNew();
        Assert.Contains(Lines(CliRun.Run("exercises", "--exercises", folder).Out), l => l.Contains("grad-accumulation") && l.Contains("failing"));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"exercises on unchanged files took {clock.Elapsed.TotalSeconds:0.0} s");
        // A change to the file makes it checked again.
        File.AppendAllText(FileOf("grad-accumulation"), "\n// changed\n");
        Assert.Contains(Lines(CliRun.Run("exercises", "--exercises", folder).Out), l => l.Contains("grad-accumulation") && l.Contains("passing"));
    }

    [Fact]
    public void Reset_restores_the_stub_after_copying_the_learners_file_aside()
    {
        string mine = ExerciseSolutions.Mutated("chain-rule", "return dy2Dy1 * dy1Dw1;", "return dy2Dy1; // mine");
        File.WriteAllText(FileOf("chain-rule"), mine);
        CliResult result = CliRun.Run("exercises", "--reset", "chain-rule", "--exercises", folder);
        Assert.Equal(ExitCodes.Ok, result.Code);
        Assert.Equal(ExerciseBook.Get("chain-rule").Stub, File.ReadAllText(FileOf("chain-rule")));
        string aside = Assert.Single(Directory.GetFiles(folder, "05-chain-rule.cs.*.bak"));
        Assert.Equal(mine, File.ReadAllText(aside));
        Assert.Contains(Path.GetFileName(aside), result.Out);
        Assert.Empty(Directory.GetFiles(folder, "*.partial")); // the stub was written whole

        CliResult again = CliRun.Run("exercises", "--reset", "chain-rule", "--exercises", folder);
        Assert.Equal(ExitCodes.Ok, again.Code);
        Assert.Contains("already the stub", again.Out);
        Assert.Single(Directory.GetFiles(folder, "*.bak"));
    }

    [Fact]
    public void Hint_tells_more_each_time_and_names_the_lesson_only_at_the_last_level()
    {
        CliResult first = CliRun.Run("hint", "relu-backward", "--exercises", folder);
        Assert.Equal(ExitCodes.Ok, first.Code);
        Assert.StartsWith("relu-backward: write MyReLU's backward", first.Out);
        Assert.Contains("Hint 1 of 3 (a nudge): ", first.Out);
        Assert.DoesNotContain("masked_fill_", first.Out);
        Assert.DoesNotContain("custom-relu-function", first.Out);
        CliResult second = CliRun.Run("hint", "6", "--exercises", folder);
        Assert.Contains("Hint 2 of 3 (the idea): ", second.Out);
        Assert.DoesNotContain("custom-relu-function", second.Out);
        CliResult third = CliRun.Run("hint", "06-relu-backward.cs", "--exercises", folder);
        Assert.Contains("Hint 3 of 3 (the code): ", third.Out);
        Assert.Contains("masked_fill_", third.Out);
        Assert.Contains("`lessons lesson custom-relu-function --code`", third.Out);
        Assert.Contains("Hint 3 of 3", CliRun.Run("hint", "relu-backward", "--exercises", folder).Out); // the last stays
    }

    [Fact]
    public void Hint_without_an_id_is_for_the_current_exercise()
    {
        File.WriteAllText(FileOf("two-layer-backprop"), ExerciseSolutions.For("two-layer-backprop"));
        Assert.Equal(ExitCodes.Ok, CliRun.Run("check", "1", "--exercises", folder).Code);
        CliResult hint = CliRun.Run("hint", "--exercises", folder);
        Assert.StartsWith("grad-accumulation: make each step's gradient fresh", hint.Out);
    }

    [Theory]
    [InlineData("hint", "relu-backwards", "unknown exercise 'relu-backwards'; did you mean relu-backward? the exercises are two-layer-backprop")]
    [InlineData("check", "99", "there is no exercise 99")]
    [InlineData("check", "nope", "unknown exercise 'nope'")]
    [InlineData("exercises", "--reset", "unknown exercise")]
    public void Bad_input_is_one_error_line_with_exit_code_2(string command, string value, string mention)
    {
        string[] args = command == "exercises" ? [command, value, "nope", "--exercises", folder]
            : [command, value, "--exercises", folder];
        CliRun.AssertOneLineError(CliRun.Run(args), ExitCodes.Usage, mention);
    }

    [Fact]
    public void A_folder_that_does_not_exist_and_a_missing_file_are_usage_errors()
    {
        CliRun.AssertOneLineError(CliRun.Run("check", "relu-backward", "--exercises", Path.Combine(folder, "nowhere")), ExitCodes.Usage, "--exercises: no folder");
        File.Delete(FileOf("relu-backward"));
        CliRun.AssertOneLineError(CliRun.Run("check", "relu-backward", "--exercises", folder), ExitCodes.Usage,
            "06-relu-backward.cs is missing; `exercises --reset relu-backward` writes the stub again");
    }

    [Fact]
    public void Without_an_exercises_folder_here_or_above_the_error_says_how_to_point_at_one()
    {
        ProcessStartInfo start = SelfProcess.StartInfo(["exercises"]);
        start.WorkingDirectory = Path.GetTempPath();
        using Process process = Process.Start(start)!;
        string error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.Equal(ExitCodes.Usage, process.ExitCode);
        Assert.Equal($"error: no exercises/ folder in {Path.GetTempPath().TrimEnd('/')} or above it; run from the course's repository, or pass --exercises DIR", error.Trim());
    }

    [Fact]
    public async Task Watch_checks_again_when_the_file_is_saved_and_ends_with_130_on_ctrl_c()
    {
        var output = new RecordingWriter();
        var errors = new RecordingWriter();
        using var interrupt = new CancellationTokenSource();
        Task<int> watching = Task.Run(() => LessonsCommandLine.Run(["check", "grad-accumulation", "--watch", "--exercises", folder], output, errors, interrupt: interrupt.Token));

        output.WaitFor(line => line.StartsWith("watching ", StringComparison.Ordinal), 1);
        Assert.Contains(output.Lines, l => l.StartsWith("✘ GradAccumulation.GradientEachStep is not written yet", StringComparison.Ordinal));

        File.WriteAllText(FileOf("grad-accumulation"), ExerciseSolutions.For("grad-accumulation"));
        output.WaitFor(line => line.StartsWith("watching ", StringComparison.Ordinal), 2);
        Assert.Contains(output.Lines, l => l.Contains("02-grad-accumulation.cs saved", StringComparison.Ordinal));
        Assert.Contains("grad-accumulation passes: 2 of 2 checks", output.Lines);
        // After a pass the watch moves on to the next exercise not passing, and checks it.
        Assert.Contains(output.Lines, l => l.StartsWith("Next: 03 inplace-leaf (", StringComparison.Ordinal) && l.EndsWith("; watching it now", StringComparison.Ordinal));
        Assert.Contains(output.Lines, l => l.StartsWith("✘ InplaceLeaf.Step is not written yet", StringComparison.Ordinal));

        interrupt.Cancel();
        Assert.Equal(ExitCodes.Interrupted, await watching.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(["stopped watching (Ctrl-C)"], errors.Lines);
    }

    // ---- every way a check can end (issue 26 item 1, issue 27 rows 4, 6, 7, 8, 13, 14, 15) --------

    [Fact]
    public void A_graph_freed_by_an_earlier_grad_is_libtorchs_message_with_the_cause_and_the_learners_line()
    {
        // The tutorial's order without retain_graph: libtorch aborts the process.
        string source = ExerciseSolutions.Mutated("chain-rule", "var dy2Dy1 = torch.autograd.grad([y2], [y1], retain_graph: true)[0];",
            "var direct = torch.autograd.grad([y2], [w1])[0];\n        var dy2Dy1 = torch.autograd.grad([y2], [y1])[0];");
        File.WriteAllText(FileOf("chain-rule"), source);
        CliResult result = CliRun.Run("check", "chain-rule", "--exercises", folder);
        Assert.Equal(ExitCodes.CheckFailed, result.Code);
        string[] lines = Lines(result.Out);
        int line = Array.FindIndex(source.Split('\n'), l => l.Contains("var direct", StringComparison.Ordinal)) + 1;
        Assert.Equal("✘ at the tutorial's x=1, w1=2, b1=1, w2=2, b2=1 it is tensor(2.)", lines[1]);
        Assert.Equal("libtorch aborted the check's process: Trying to backward through the graph a second time (or directly access saved tensors after they have already been freed). "
            + $"Likely cause: an earlier backward or autograd.grad freed the graph; pass retain_graph: true to it ({FileOf("chain-rule")}:{line})", lines[2]);
        Assert.Equal(["· equals autograd's direct dy2/dw1 at x=3, w1=-1.5, b1=0.5, w2=0.25, b2=4: not checked (an earlier check failed)",
            "· takes both factors with torch.autograd.grad: not checked (an earlier check failed)",
            "chain-rule: 0 of 3 checks pass; `lessons hint chain-rule` gives a hint"], lines[3..]);
        Assert.Equal("", result.Err);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("7")]
    public void Environment_Exit_in_the_learners_code_is_a_failed_check_never_a_verdict(string exitCode)
    {
        // It even prints a verdict of its own first, as the checker's would look without the key.
        File.WriteAllText(FileOf("grad-accumulation"), ExerciseSolutions.Mutated("grad-accumulation", "w.grad.zero_();",
            "w.grad.zero_(); Console.WriteLine(\"{\\\"verdict\\\":\\\"Passing\\\"}\"); Environment.Exit(" + exitCode + ");"));
        CliResult result = CliRun.Run("check", "grad-accumulation", "--exercises", folder);
        Assert.Equal(ExitCodes.CheckFailed, result.Code);
        string[] lines = Lines(result.Out);
        Assert.Contains("[your code] {\"verdict\":\"Passing\"}", lines);
        Assert.Contains($"your code ended the check's process (exit code {exitCode}: Environment.Exit?) before the checks finished; only the checker's own report counts", lines);
        Assert.Equal("grad-accumulation: 0 of 2 checks pass; `lessons hint grad-accumulation` gives a hint", lines[^1]);
        Assert.Contains(Lines(CliRun.Run("exercises", "--exercises", folder).Out), l => l.Contains("grad-accumulation") && l.Contains("failing"));
    }

    [Fact]
    public void The_learners_output_is_marked_as_theirs_and_capped_per_check()
    {
        File.WriteAllText(FileOf("grad-accumulation"), ExerciseSolutions.Mutated("grad-accumulation", "w.grad.zero_();",
            "w.grad.zero_(); Console.Error.WriteLine(\"error: boom\"); for (int k = 0; k < 200000; k++) Console.WriteLine(\"flood \" + k);"));
        var clock = Stopwatch.StartNew();
        CliResult result = CliRun.Run("check", "grad-accumulation", "--exercises", folder);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60));
        Assert.Equal(ExitCodes.Ok, result.Code); // printing is allowed; the checks pass
        Assert.Equal("", result.Err); // the learner's "error:" is not the tool's
        string[] lines = Lines(result.Out);
        Assert.Equal("[your code] error: boom", lines[1]);
        var theirs = lines.Where(l => l.StartsWith(ExerciseProcess.LearnerMark, StringComparison.Ordinal)).ToList();
        Assert.True(theirs.Sum(l => l.Length - ExerciseProcess.LearnerMark.Length + 1) <= ExerciseProcess.LearnerOutputCap + 200, $"{theirs.Count} lines");
        Assert.Contains($"{ExerciseProcess.LearnerMark}… the rest of your code's output is cut: a check shows at most {ExerciseProcess.LearnerOutputCap} characters of it", lines);
        Assert.Contains("grad-accumulation passes: 2 of 2 checks", lines);
    }

    [Theory]
    [InlineData("")]
    [InlineData("--watch")]
    public void Check_into_a_full_disk_is_one_line_not_a_crash(string watch)
    {
        File.WriteAllText(FileOf("grad-accumulation"), ExerciseSolutions.For("grad-accumulation"));
        ProcessStartInfo self = SelfProcess.StartInfo(["check", "grad-accumulation", "--exercises", folder, .. watch.Length > 0 ? [watch] : Array.Empty<string>()]);
        var start = new ProcessStartInfo("bash") { RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add("exec \"$0\" \"$@\" > /dev/full");
        start.ArgumentList.Add(self.FileName);
        foreach (string arg in self.ArgumentList) start.ArgumentList.Add(arg);
        using Process process = Process.Start(start)!;
        string error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.Equal(ExitCodes.Failed, process.ExitCode);
        Assert.Equal("error: No space left on device", error.Trim());
    }

    [Fact]
    public void A_file_of_binary_garbage_is_not_a_CSharp_text_file()
    {
        var bytes = new byte[4096];
        new Random(26).NextBytes(bytes);
        File.WriteAllBytes(FileOf("chain-rule"), bytes);
        CliResult result = CliRun.Run("check", "chain-rule", "--exercises", folder);
        Assert.Equal(ExitCodes.DoesNotCompile, result.Code);
        Assert.Equal($"✘ {FileOf("chain-rule")} is not a C# text file (it holds bytes that are not UTF-8 text); `lessons exercises --reset chain-rule` writes the stub again, keeping your file aside",
            Lines(result.Out)[^1]);
        Assert.Equal(2, Lines(result.Out).Length);
    }

    [Fact]
    public void A_file_with_many_compile_errors_shows_the_first_ten_and_a_count()
    {
        File.WriteAllText(FileOf("chain-rule"), "class Broken {\n" + string.Concat(Enumerable.Range(0, 40).Select(i => $"  int f{i}() {{ return ; }}\n")) + "}\n");
        CliResult result = CliRun.Run("check", "chain-rule", "--exercises", folder);
        Assert.Equal(ExitCodes.DoesNotCompile, result.Code);
        string[] lines = Lines(result.Out);
        Assert.Equal(10, lines.Count(l => l.Contains(": error CS", StringComparison.Ordinal)));
        Assert.Equal("… and 30 more errors", lines[^2]);
        Assert.Equal($"✘ {FileOf("chain-rule")} does not compile: 40 errors", lines[^1]);
    }

    [Fact]
    public void Reset_twice_within_a_second_keeps_both_versions_aside()
    {
        File.WriteAllText(FileOf("chain-rule"), "// mine, first\n");
        Assert.Equal(ExitCodes.Ok, CliRun.Run("exercises", "--reset", "chain-rule", "--exercises", folder).Code);
        File.WriteAllText(FileOf("chain-rule"), "// mine, second\n");
        Assert.Equal(ExitCodes.Ok, CliRun.Run("exercises", "--reset", "5", "--exercises", folder).Code);
        Assert.Equal(ExerciseBook.Get("chain-rule").Stub, File.ReadAllText(FileOf("chain-rule")));
        Assert.Equal(["// mine, first\n", "// mine, second\n"], Directory.GetFiles(folder, "05-chain-rule.cs.*.bak").Select(File.ReadAllText).Order());
    }

    [Fact]
    public void Reset_in_a_read_only_folder_is_one_sentence_naming_the_folder()
    {
        File.WriteAllText(FileOf("chain-rule"), "// mine\n");
        using (ReadOnly(folder))
        {
            string error = CliRun.AssertOneLineError(CliRun.Run("exercises", "--reset", "chain-rule", "--exercises", folder), ExitCodes.Failed,
                $"cannot write in {folder} (it is read-only, or not yours to write), so", "is unchanged", "make the folder writable");
            Assert.DoesNotContain("'", error.Replace("'chain-rule'", "", StringComparison.Ordinal)); // no raw exception's quoted path
        }
        Assert.Equal("// mine\n", File.ReadAllText(FileOf("chain-rule")));
    }

    // A folder nobody may write: chmod for a user, a read-only bind mount for root (whom chmod does not stop).
    static IDisposable ReadOnly(string path)
    {
        if (!IsRoot() && !OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserExecute);
            return new Undo(() =>
            {
                if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            });
        }
        Shell($"mount --bind '{path}' '{path}' && mount -o remount,bind,ro '{path}'");
        return new Undo(() => Shell($"umount '{path}'"));
    }

    static bool IsRoot() => File.ReadAllLines("/proc/self/status").Any(l => l.StartsWith("Uid:", StringComparison.Ordinal) && l.Split('\t', StringSplitOptions.RemoveEmptyEntries)[1] == "0");

    static void Shell(string command)
    {
        using Process process = Process.Start(new ProcessStartInfo("bash", ["-c", command]) { RedirectStandardError = true })!;
        string error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"{command}: {error}");
    }

    sealed class Undo(Action undo) : IDisposable
    {
        public void Dispose() => undo();
    }

    [Fact]
    public async Task Watch_without_an_id_follows_the_current_exercise_to_the_end_of_the_course()
    {
        // Every exercise but the last passes, as the progress file records.
        Exercise last = ExerciseBook.All[^1];
        foreach (Exercise exercise in ExerciseBook.All.Where(e => e != last)) File.WriteAllText(FileOf(exercise.Id), ExerciseSolutions.For(exercise.Id));
        ExerciseFolder located = ExerciseFolder.Locate(folder);
        ExerciseProgress progress = located.Progress();
        foreach (Exercise exercise in ExerciseBook.All.Where(e => e != last)) progress.Record(exercise, located.Fingerprint(exercise)!, ExerciseVerdict.Passing);
        Assert.True(progress.TrySave());

        var output = new RecordingWriter();
        var errors = new RecordingWriter();
        using var interrupt = new CancellationTokenSource();
        Task<int> watching = Task.Run(() => LessonsCommandLine.Run(["check", "--watch", "--exercises", folder], output, errors, interrupt: interrupt.Token));
        output.WaitFor(line => line.StartsWith("watching ", StringComparison.Ordinal), 1);
        Assert.StartsWith($"{last.Id} (", output.Lines[0]);

        var clock = Stopwatch.StartNew();
        File.WriteAllText(FileOf(last.Id), ExerciseSolutions.For(last.Id));
        output.WaitFor(line => line.StartsWith('✔'), 1);
        TimeSpan firstLine = clock.Elapsed;
        Assert.Equal(ExitCodes.Ok, await watching.WaitAsync(TimeSpan.FromSeconds(120)));
        Assert.Equal($"All {ExerciseBook.All.Count} exercises pass: the course is done.", output.Lines[^1]);
        // The checker was warm: no new process between the save and the first line (generous for a loaded machine).
        Assert.True(firstLine < TimeSpan.FromSeconds(10), $"first line {firstLine.TotalSeconds:0.0} s after the save");
    }

    [Fact]
    public async Task Check_watch_alone_takes_a_learner_from_the_first_exercise_to_the_last()
    {
        var output = new RecordingWriter();
        using var interrupt = new CancellationTokenSource();
        Task<int> watching = Task.Run(() => LessonsCommandLine.Run(["check", "--watch", "--exercises", folder], output, new RecordingWriter(), interrupt: interrupt.Token));
        foreach (Exercise exercise in ExerciseBook.All)
        {
            // The watch has moved on to this exercise by itself: its stub was checked.
            output.WaitFor(line => line.StartsWith($"✘ ", StringComparison.Ordinal) && line.Contains($"{exercise.FileName}:", StringComparison.Ordinal) && line.Contains("is not written yet", StringComparison.Ordinal), 1);
            output.WaitFor(line => line.StartsWith("watching ", StringComparison.Ordinal), exercise.Number);
            File.WriteAllText(FileOf(exercise.Id), ExerciseSolutions.For(exercise.Id));
            output.WaitFor(line => line == $"{exercise.Id} passes: {exercise.Checks.Count} of {exercise.Checks.Count} checks", 1);
        }
        Assert.Equal(ExitCodes.Ok, await watching.WaitAsync(TimeSpan.FromSeconds(120)));
        Assert.Equal($"All {ExerciseBook.All.Count} exercises pass: the course is done.", output.Lines[^1]);
    }

    [Fact]
    public async Task Watch_starts_a_fresh_checker_after_the_learners_code_ended_one()
    {
        File.WriteAllText(FileOf("grad-accumulation"), ExerciseSolutions.Mutated("grad-accumulation", "w.grad.zero_();", "w.grad.zero_(); Environment.Exit(3);"));
        var output = new RecordingWriter();
        using var interrupt = new CancellationTokenSource();
        Task<int> watching = Task.Run(() => LessonsCommandLine.Run(["check", "2", "--watch", "--exercises", folder], output, new RecordingWriter(), interrupt: interrupt.Token));
        output.WaitFor(line => line.StartsWith("watching ", StringComparison.Ordinal), 1);
        Assert.Contains(output.Lines, l => l.Contains("your code ended the check's process (exit code 3", StringComparison.Ordinal));

        File.WriteAllText(FileOf("grad-accumulation"), ExerciseSolutions.For("grad-accumulation"));
        output.WaitFor(line => line.StartsWith("watching ", StringComparison.Ordinal), 2);
        Assert.Contains("grad-accumulation passes: 2 of 2 checks", output.Lines);
        interrupt.Cancel();
        Assert.Equal(ExitCodes.Interrupted, await watching.WaitAsync(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task Watch_after_a_time_out_checks_the_next_save_in_a_fresh_checker()
    {
        File.WriteAllText(FileOf("chain-rule"), ExerciseSolutions.Mutated("chain-rule", "return dy2Dy1 * dy1Dw1;", "while (true) { }"));
        var output = new RecordingWriter();
        using var interrupt = new CancellationTokenSource();
        Task<int> watching = Task.Run(() => LessonsCommandLine.Run(["check", "chain-rule", "--watch", "--timeout", "1", "--exercises", folder], output, new RecordingWriter(), interrupt: interrupt.Token));
        output.WaitFor(line => line.StartsWith("watching ", StringComparison.Ordinal), 1);
        Assert.Contains("stopped after 1 s: your code has not returned (an endless loop?)", output.Lines.Select(l => l.Trim()));

        File.WriteAllText(FileOf("chain-rule"), ExerciseSolutions.For("chain-rule"));
        output.WaitFor(line => line.StartsWith("watching ", StringComparison.Ordinal), 2);
        Assert.Contains("chain-rule passes: 3 of 3 checks", output.Lines);
        Assert.DoesNotContain(output.Lines, l => l.Contains("ended", StringComparison.Ordinal));
        interrupt.Cancel();
        Assert.Equal(ExitCodes.Interrupted, await watching.WaitAsync(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public void A_capstone_step_is_checked_with_the_learners_earlier_steps()
    {
        File.WriteAllText(FileOf("engine-value"), ExerciseSolutions.For("engine-value"));
        CliResult result = CliRun.Run("check", "9", "--exercises", folder);
        Assert.Equal(ExitCodes.CheckFailed, result.Code);
        Assert.Equal($"✘ Value.TopologicalOrder is not written yet: the TODO at {FileOf("engine-topological-order")}:22 still throws NotImplementedException", Lines(result.Out)[^1]);
        // With step 1 not written, step 2's check meets step 1's TODO first, in step 1's file.
        File.WriteAllText(FileOf("engine-value"), ExerciseBook.Get("engine-value").Stub);
        Assert.StartsWith($"✘ Value.op_Multiply is not written yet: the TODO at {FileOf("engine-value")}:51", Lines(CliRun.Run("check", "9", "--exercises", folder).Out)[^1]);
    }

    [Fact]
    public void Plots_draw_the_learners_engine_graph_beside_libtorchs()
    {
        foreach (string id in new[] { "engine-value", "engine-topological-order", "engine-backward" }) File.WriteAllText(FileOf(id), ExerciseSolutions.For(id));
        string pictures = Path.Combine(folder, "pictures");
        CliResult result = CliRun.Run("check", "engine-backward", "--exercises", folder, "--plots", pictures);
        Assert.Equal(ExitCodes.Ok, result.Code);
        string dot = File.ReadAllText(Path.Combine(pictures, "engine-graph.dot"));
        Assert.Contains("your engine (Value)", dot);
        Assert.Contains("w leaf\\ndata 1, grad 5", dot); // the tutorial's w.grad = 5, from the learner's Backward
        Assert.Contains("x leaf\\ndata 2, grad 2", dot);
        Assert.Contains("MulBackward0", dot);              // libtorch's graph of the same y
        Assert.Contains($"figure: {Path.Combine(pictures, "engine-graph.dot")}", Lines(result.Out));
        CliRun.AssertOneLineError(CliRun.Run("check", "relu-backward", "--exercises", folder, "--plots", pictures), ExitCodes.Usage, "--plots draws a capstone step's graph");
    }

    /// <summary>Collects lines from several threads, and waits until enough of them match.</summary>
    sealed class RecordingWriter : TextWriter
    {
        readonly List<string> lines = [];
        readonly StringBuilder partial = new();

        public override Encoding Encoding => Encoding.UTF8;

        public IReadOnlyList<string> Lines
        {
            get { lock (lines) return lines.ToList(); }
        }

        public override void Write(char value)
        {
            lock (lines)
            {
                if (value == '\n')
                {
                    lines.Add(partial.ToString().TrimEnd('\r'));
                    partial.Clear();
                    Monitor.PulseAll(lines);
                }
                else partial.Append(value);
            }
        }

        public void WaitFor(Func<string, bool> match, int count)
        {
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
            lock (lines)
            {
                while (lines.Count(match) < count)
                {
                    TimeSpan left = deadline - DateTime.UtcNow;
                    Assert.True(left > TimeSpan.Zero, "waited 90 s for the watch's output; got:\n" + string.Join("\n", lines));
                    Monitor.Wait(lines, left);
                }
            }
        }
    }
}
