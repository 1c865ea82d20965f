using System.Diagnostics;
using Lessons.Cli;
using Lessons.Core.Catalog;

namespace Lessons.Tests;

/// <summary>
/// The rows of issue 27's table that are not swept or interrupted elsewhere (rows 1 to 3, 12 and
/// the smaller points), against the real command line: each refusal is one clean line with its exit
/// code, before any work (no heading, no --plots folder made). Rows 4 and 5 are in
/// <see cref="FullDiskTests"/>, 9 to 11 in <see cref="InterruptTests"/>, and every option's
/// malformed values in <see cref="CommandLineSweepTests"/>.
/// </summary>
[Collection(TorchCollection.Name)]
public sealed class FaultTableTests : IDisposable
{
    readonly string scratch = Path.Combine(Path.GetTempPath(), $"lessons-faults-{Environment.ProcessId}-{Guid.NewGuid():N}");

    public FaultTableTests() => Directory.CreateDirectory(scratch);

    public void Dispose() => Directory.Delete(scratch, recursive: true);

    /// <summary>Refused before any work: the line, its exit code, nothing on stdout, and the --plots folder never made.</summary>
    string AssertRefusedBeforeWork(string[] args, int code, params string[] mentions)
    {
        string plots = Path.Combine(scratch, "plots-" + Guid.NewGuid().ToString("N"));
        CliResult result = CliRun.Run([.. args, "--plots", plots]);
        string line = BadInputTests.AssertOneCleanLine(result, code, mentions);
        Assert.Equal("", result.Out);
        Assert.Single(result.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.False(Path.Exists(plots), $"{plots} was made");
        return line;
    }

    // Row 1; the sweep feeds the counts every other malformed value too.
    [Theory]
    [InlineData("abc")]
    [InlineData("1.5")]
    [InlineData("2147483648")]
    public void Row_1_jobs_that_do_not_parse_are_a_usage_line(string value)
    {
        foreach (string[] args in new[] { new[] { "lesson", "four-class-*" }, ["parity"], ["docs"] })
            BadInputTests.AssertOneCleanLine(CliRun.Run([.. args, "--jobs", value]), ExitCodes.Usage, $"--jobs needs a whole number from 1 to 1024, got '{value}'");
        BadInputTests.AssertOneCleanLine(CliRun.Run("check", "--timeout", value), ExitCodes.Usage, $"--timeout needs a whole number from 1 to {int.MaxValue}, got '{value}'");
    }

    [Theory]
    [InlineData("logistic-regression", "lr")]
    [InlineData("simple-linear-model", "lr")]
    [InlineData("curve-fit-net", "lr")]
    [InlineData("himmelblau", "lr")]
    [InlineData("four-class-optimizer", "alpha")]
    public void Row_2_a_number_beyond_float32_is_refused_before_any_work(string lesson, string option)
    {
        AssertRefusedBeforeWork(["lesson", lesson, "--set", $"{option}=1e39"], ExitCodes.Usage,
            $"option '{option}' = 1e39: must lie within float32's range, ±3.4028235E+38");
        AssertRefusedBeforeWork(["lesson", lesson, "--set", $"{option}=-1e39"], ExitCodes.Usage, $"option '{option}'");
    }

    [Theory]
    [InlineData("two-layer-manual", "-1")]
    [InlineData("two-layer-manual", "4294967296")]
    [InlineData("static-graph", "-1")]
    [InlineData("static-graph", "4294967296")]
    public void Row_3_a_seed_numpy_cannot_take_is_refused_before_any_work(string lesson, string seed)
    {
        AssertRefusedBeforeWork(["lesson", lesson, "--seed", seed], ExitCodes.Usage,
            $"--seed {seed}: lesson {lesson} draws with numpy, whose seed must be between 0 and 2**32 - 1");
        // In a batch, before any lesson of it runs.
        AssertRefusedBeforeWork(["lesson", lesson, "simple-grad", "retain-graph", "--seed", seed], ExitCodes.Usage, $"lesson {lesson} draws with numpy");
    }

    [Fact]
    public void The_lessons_that_seed_numpy_are_those_whose_tutorial_draws_with_numpy()
    {
        // 000 §1 (two-layer net, numpy) and 003 §4 (the static graph's data, np.random): the two tutorials' np.random.seed.
        Assert.Equal(["static-graph", "two-layer-manual"], LessonCatalog.All.Where(LessonSeeds.DrawsWithNumpy).Select(l => l.Id).Order());
        // And the one found is the one the run uses: a seed numpy refuses fails the lesson itself too.
        var beyond32Bits = new LessonSettings { Seed = 1L << 33, CheckMemory = false };
        Assert.Throws<SeedOutOfRangeException>(() => LessonRunner.Check(LessonCatalog.Get("two-layer-manual"), beyond32Bits, resolveDevice: false));
        LessonRunner.Check(LessonCatalog.Get("retain-graph"), beyond32Bits, resolveDevice: false); // torch takes 64 bits
    }

    /// <summary>Lessons of the test's own, to show the IL reading finds numpy's seed however the code reaches it, and only then.</summary>
    abstract class SketchLesson : Lesson
    {
        public override string Title => "a sketch";
        public override LessonSource Source => new("none.txt", 1, "none");
        public override string Notes => "";
        public override long? Seed => 0;
    }

    sealed class SeedsNumpyDirectly : SketchLesson
    {
        public override string Id => "direct";
        public override void Run(LessonContext context) => context.NumpySeed();
    }

    sealed class SeedsNumpyInALambda : SketchLesson
    {
        public override string Id => "lambda";
        public override void Run(LessonContext context)
        {
            Action seed = () => context.NumpySeed();
            seed();
        }
    }

    static class DataBuilder
    {
        public static void Build(LessonContext context) => context.NumpySeed();
    }

    sealed class SeedsNumpyThroughAHelper : SketchLesson
    {
        public override string Id => "helper";
        public override void Run(LessonContext context) => DataBuilder.Build(context);
    }

    sealed class SeedsTorch : SketchLesson
    {
        public override string Id => "torch";
        public override void Run(LessonContext context) => context.ManualSeed();
    }

    [Fact]
    public void Numpy_seeding_is_found_directly_in_a_lambda_or_through_a_helper()
    {
        Assert.True(LessonSeeds.DrawsWithNumpy(new SeedsNumpyDirectly()));
        Assert.True(LessonSeeds.DrawsWithNumpy(new SeedsNumpyInALambda()));
        Assert.True(LessonSeeds.DrawsWithNumpy(new SeedsNumpyThroughAHelper()));
        Assert.False(LessonSeeds.DrawsWithNumpy(new SeedsTorch()));
    }

    [Fact]
    public void Row_12_a_corrupt_expected_file_is_named_with_its_line()
    {
        string folder = Path.Combine(scratch, "expected");
        Directory.CreateDirectory(folder);
        string file = Path.Combine(folder, "grad-tensors.json");
        File.WriteAllText(file, "{\n  \"lesson\": \"grad-tensors\",\n  bad\n}\n");
        CliResult result = CliRun.Run("parity", "--lesson", "grad-tensors", "--expected", folder);
        BadInputTests.AssertOneCleanLine(result, ExitCodes.Usage, $"--expected: {file} line 3: not valid JSON: 'b' is an invalid start of a property name");
        Assert.Equal("", result.Out);
    }

    [Fact]
    public void Row_12_a_missing_expected_file_is_named_in_the_folder_asked_for_with_sane_counts()
    {
        string folder = Path.Combine(scratch, "expected");
        Directory.CreateDirectory(folder);
        CliResult result = CliRun.Run("parity", "--lesson", "simple-grad", "--expected", folder);
        Assert.Equal(ExitCodes.Failed, result.Code);
        Assert.Contains($"FAIL: no expected file {Path.Combine(folder, "simple-grad.json")}", result.Out);
        Assert.Contains("parity: 1 of 1 lessons could not be checked; 1 of 1 lessons fail", result.Out);
    }

    [Fact]
    public void Data_set_far_from_the_tutorials_diverges_naming_that_setting_not_lr()
    {
        CliResult result = CliRun.Run("lesson", "linear-regression-exercise", "--quiet", "--set", "slope=1e20");
        string line = BadInputTests.AssertOneCleanLine(result, ExitCodes.Diverged, "training diverged with slope=1E+20 (the tutorial's is 2)", "nearer the tutorial's");
        Assert.DoesNotContain("lr", line);
        // A value no float32 holds is refused before it can diverge, naming the range.
        foreach (string option in new[] { "mean_value", "bias" })
            AssertRefusedBeforeWork(["lesson", "logistic-regression", "--set", $"{option}=1e300"], ExitCodes.Usage, $"option '{option}' = 1e300: must lie within float32's range");
        AssertRefusedBeforeWork(["lesson", "linear-regression-exercise", "--set", "slope=1e300"], ExitCodes.Usage, "option 'slope' = 1e300: must lie within float32's range");
        // The learning rate itself keeps the lesson's own advice.
        Assert.Contains("lower lr", CliRun.Run("lesson", "two-layer-autograd", "--quiet", "--set", "lr=0.01", "--set", "steps=50").ErrorLines.Single());
    }

    [Fact]
    public void Exercises_naming_a_file_says_it_is_a_file()
    {
        string file = Path.Combine(scratch, "a-file");
        File.WriteAllText(file, "");
        BadInputTests.AssertOneCleanLine(CliRun.Run("exercises", "--exercises", file), ExitCodes.Usage, $"--exercises '{file}': it is a file, not a folder");
    }

    [Fact]
    public void A_seed_for_a_lesson_that_draws_nothing_is_refused_and_in_a_batch_applied_where_it_means_something()
    {
        AssertRefusedBeforeWork(["lesson", "simple-grad", "--seed", "3"], ExitCodes.Usage, "--seed 3: lesson simple-grad draws nothing at random; --seed has no effect");
        AssertRefusedBeforeWork(["lesson", "simple-grad", "grad-tensors", "--seed", "3"], ExitCodes.Usage, "--seed 3: none of the 2 lessons draws anything at random");

        CliResult batch = CliRun.Run("lesson", "simple-grad", "retain-graph", "--seed", "7", "--json", "--jobs", "1");
        Assert.Equal(ExitCodes.Ok, batch.Code);
        Assert.Equal("note: --seed applies to 1 of the 2 lessons; simple-grad draws nothing at random, so it is left out for that one", Assert.Single(batch.ErrorLines));
        var runs = System.Text.Json.Nodes.JsonNode.Parse(batch.Out)!.AsArray();
        Assert.Equal(7, (long)runs.Single(r => (string?)r!["lesson"] == "retain-graph")!["seed"]!);
    }

    [Fact]
    public void Backward_in_a_batch_goes_to_the_lessons_with_a_graph_with_one_note_naming_the_others()
    {
        CliResult batch = CliRun.Run("lesson", "simple-grad", "computational-graph", "--backward", "--quiet", "--jobs", "1");
        Assert.Equal(ExitCodes.Ok, batch.Code);
        Assert.Equal("note: --backward applies to 1 of the 2 lessons; simple-grad records no autograd graph, so it is left out for that one", Assert.Single(batch.ErrorLines));
        Assert.Contains("backward of", batch.Out);
        // None with a graph: refused as for one lesson.
        AssertRefusedBeforeWork(["lesson", "simple-grad", "weight-init", "--backward"], ExitCodes.Usage, "--backward", "none of the 2 lessons records an autograd graph");
    }

    [Fact]
    public async Task Two_runs_writing_one_plots_folder_at_once_the_second_is_refused()
    {
        if (!OperatingSystem.IsLinux()) return;
        string plots = Path.Combine(scratch, "shared");
        var start = new ProcessStartInfo(Path.Combine(AppContext.BaseDirectory, "lessons"), ["lesson", "four-class-raw", "--plots", plots])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using Process first = Process.Start(start)!;
        Task<string> output = first.StandardOutput.ReadToEndAsync();
        var training = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        first.ErrorDataReceived += (_, e) => { if (e.Data?.StartsWith("[four-class-raw] training", StringComparison.Ordinal) == true) training.TrySetResult(); };
        first.BeginErrorReadLine();
        try
        {
            await training.Task.WaitAsync(TimeSpan.FromSeconds(60)); // it holds the folder now
            string loaderLog = Path.Combine(scratch, "second");
            CliResult second = CommandLineSweepTests.Program(["lesson", "computational-graph", "--plots", plots], loaderLog);
            BadInputTests.AssertOneCleanLine(second, ExitCodes.Usage, $"--plots '{plots}': another run of this program is writing into it");
            Assert.Equal("", second.Out);
            // Refused before any work: libtorch never loaded.
            Assert.DoesNotContain(Directory.GetFiles(scratch, "second.*"), log => File.ReadAllText(log).Contains("libtorch", StringComparison.Ordinal));
        }
        finally
        {
            if (!first.HasExited) first.Kill();
            await first.WaitForExitAsync();
        }
        // Once it has ended, the folder is free again.
        Assert.Equal(ExitCodes.Ok, CliRun.Run("lesson", "computational-graph", "--quiet", "--plots", plots).Code);
    }
}
