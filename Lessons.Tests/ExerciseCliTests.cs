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
        Assert.Equal(ExerciseBook.Get("relu-backward").Checks.Select(c => "✔ " + c.Name), lines[1..^1]);
        Assert.Equal("relu-backward passes: 3 of 3 checks. Next: sigmoid-layer-backward (07-sigmoid-layer-backward.cs)", lines[^1]);
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
        Assert.Equal("✘ it stays 5 over 10 passes", lines[5]); // later failures: the name only
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
        Assert.Equal("✘ at the tutorial's x=1, w1=2, b1=1, w2=2, b2=1 it is tensor(2.)", lines[^2]);
        Assert.Equal("stopped after 2 s: your code has not returned (an endless loop?)", lines[^1]);
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
        Assert.Equal("✘ your code overflowed the stack (a method that calls itself without end?); the check's process ended", Lines(result.Out)[^1]);
        Assert.Equal("", result.Err);
    }

    [Fact]
    public void Check_without_an_id_checks_the_first_exercise_not_yet_passing()
    {
        File.WriteAllText(FileOf("two-layer-backprop"), ExerciseSolutions.For("two-layer-backprop"));
        CliResult result = CliRun.Run("check", "--exercises", folder);
        Assert.Equal(ExitCodes.CheckFailed, result.Code);
        string[] lines = Lines(result.Out);
        Assert.Equal("✔ two-layer-backprop passes", lines[0]);
        Assert.StartsWith("grad-accumulation (", lines[1]);
        Assert.StartsWith("✘ GradAccumulation.GradientEachStep is not written yet", lines[2]);
    }

    [Fact]
    public void Exercises_lists_each_with_its_section_and_status()
    {
        File.WriteAllText(FileOf("grad-accumulation"), ExerciseSolutions.For("grad-accumulation"));
        File.WriteAllText(FileOf("chain-rule"), ExerciseSolutions.Mutated("chain-rule", "return dy2Dy1 * dy1Dw1;", "return dy2Dy1;"));
        File.Delete(FileOf("inplace-leaf"));
        CliResult result = CliRun.Run("exercises", "--exercises", folder);
        Assert.Equal(ExitCodes.Ok, result.Code);
        string[] lines = Lines(result.Out);
        Assert.Equal(ExerciseBook.All.Count, lines.Length);
        Assert.Matches(@"^01  two-layer-backprop +not started  000 §1 1\.numpy和pytorch实现梯度下降法", lines[0]);
        Assert.Matches(@"^02  grad-accumulation +passing +001 §3 1\. 梯度不自动清零$", lines[1]);
        Assert.Matches(@"^03  inplace-leaf +missing +001 §3", lines[2]);
        Assert.Matches(@"^05  chain-rule +failing +002 取中间层将不能直接求导的", lines[4]);
        Assert.Matches(@"^07  sigmoid-layer-backward +not started  004 ", lines[6]);
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

        CliResult again = CliRun.Run("exercises", "--reset", "chain-rule", "--exercises", folder);
        Assert.Equal(ExitCodes.Ok, again.Code);
        Assert.Contains("already the stub", again.Out);
        Assert.Single(Directory.GetFiles(folder, "*.bak"));
    }

    [Fact]
    public void Hint_points_the_way_and_names_the_lesson()
    {
        CliResult result = CliRun.Run("hint", "relu-backward");
        Assert.Equal(ExitCodes.Ok, result.Code);
        Assert.StartsWith("relu-backward: write MyReLU's backward", result.Out);
        Assert.Contains("masked_fill_", result.Out);
        Assert.Contains("`lessons lesson custom-relu-function --code`", result.Out);
    }

    [Theory]
    [InlineData("hint", "relu-backwards", "unknown exercise 'relu-backwards'; the exercises are two-layer-backprop")]
    [InlineData("check", "nope", "unknown exercise 'nope'")]
    [InlineData("exercises", "--reset", "unknown exercise")]
    public void Bad_input_is_one_error_line_with_exit_code_2(string command, string value, string mention)
    {
        string[] args = command == "exercises" ? [command, value, "nope", "--exercises", folder]
            : command == "check" ? [command, value, "--exercises", folder] : [command, value];
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
        Assert.Contains("grad-accumulation passes: 2 of 2 checks. Next: inplace-leaf (03-inplace-leaf.cs)", output.Lines);

        interrupt.Cancel();
        Assert.Equal(ExitCodes.Interrupted, await watching.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(["stopped watching (Ctrl-C)"], errors.Lines);
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
