using System.Text.RegularExpressions;
using Lessons.Cli;
using Lessons.Core.Catalog;
using Lessons.Core.Figures;
using Lessons.Core.Torch;
using TorchSharp;
using static TorchSharp.torch;

namespace Lessons.Tests;

/// <summary>
/// Every bad input of issue 14 (and the older ones) against the real command line: the exit code,
/// exactly one "error:" line, no native frame, no .NET type or stack trace; the inputs that can be
/// checked before the work starts print no transcript at all (no lesson ran).
/// </summary>
[Collection(TorchCollection.Name)]
public sealed partial class BadInputTests : IDisposable
{
    /// <summary>One row of the table: the arguments, the exit code, what the line names, and whether it is refused before any work.</summary>
    public sealed record Case(string[] Args, int Code, string[] Mentions, bool BeforeAnyWork = true);

    static readonly string Scratch = Path.Combine(Path.GetTempPath(), $"lessons-badinput-{Environment.ProcessId}");
    static readonly string AFile = Path.Combine(Scratch, "a-file");

    static Dictionary<string, Case> Cases()
    {
        var cases = new Dictionary<string, Case>
        {
            ["--plots names a file"] = new(["lesson", "logistic-regression", "--plots", AFile], ExitCodes.Usage, ["--plots", AFile, "is a file, not a folder"]),
            ["--plots below a file"] = new(["lesson", "logistic-regression", "--plots", Path.Combine(AFile, "figures")], ExitCodes.Usage, ["--plots", $"'{AFile}' is a file, not a folder"]),
            ["--seed foo"] = new(["lesson", "simple-grad", "--seed", "foo"], ExitCodes.Usage, ["--seed needs an integer, got 'foo'"]),
            ["--seed beyond 64 bits"] = new(["lesson", "simple-grad", "--seed", "99999999999999999999"], ExitCodes.Usage, ["--seed needs an integer", "99999999999999999999"]),
            ["--set without a value"] = new(["lesson", "simple-grad", "--set"], ExitCodes.Usage, ["--set needs a value", "name=value"]),
            ["--set without ="] = new(["lesson", "grad-accumulation", "--set", "iterations"], ExitCodes.Usage, ["name=value", "'iterations'"]),
            ["N too large for memory"] = new(["lesson", "two-layer-autograd", "--set", "N=100000000"], ExitCodes.Usage, ["N=100000000", "would allocate about", "is available", "the largest N that fits is"]),
            ["width too large for memory"] = new(["lesson", "weight-init", "--set", "width=100000"], ExitCodes.Usage, ["width=100000", "would allocate about", "the largest width that fits is"]),
            ["sample_nums too large for memory"] = new(["lesson", "logistic-regression", "--set", "sample_nums=2000000000"], ExitCodes.Usage, ["would allocate about", "TB", "the largest sample_nums that fits is"]),
            ["two sizes too large"] = new(["lesson", "two-layer-autograd", "--set", "N=100000000", "--set", "D_in=5000"], ExitCodes.Usage, ["N=100000000 D_in=5000", "the largest N that fits is"]),
            ["topology too wide"] = new(["lesson", "four-class-sequential", "--set", "topology=[2,10000,10000,10000,10000,10000,10000,10000,10000,10000,10000,10000,10000,10000,10000,10000,10000,10000,10000,10000,10000,4]"], ExitCodes.Usage, ["would allocate about", "lower its sizes"]),
            ["unknown lesson"] = new(["lesson", "computational-graf"], ExitCodes.Usage, ["unknown lesson 'computational-graf'", "computational-graph"]),
            ["unknown lesson option"] = new(["lesson", "grad-accumulation", "--set", "lr=0.1"], ExitCodes.Usage, ["'lr'", "valid options: iterations"]),
            ["option of a lesson without options"] = new(["lesson", "simple-grad", "--set", "N=3"], ExitCodes.Usage, ["has no option 'N'"]),
            ["bad option value"] = new(["lesson", "grad-accumulation", "--set", "iterations=-2"], ExitCodes.Usage, ["'iterations'", "at least 1"]),
            ["NaN learning rate"] = new(["lesson", "two-layer-autograd", "--set", "lr=NaN"], ExitCodes.Usage, ["'lr'", "positive finite"]),
            ["integer beyond 32 bits"] = new(["lesson", "two-layer-autograd", "--set", "N=99999999999"], ExitCodes.Usage, ["option 'N' = 99999999999", "at most 2147483647"]),
            ["bad device"] = new(["lesson", "grad-tensors", "--device", "gpu"], ExitCodes.Usage, ["'gpu'", "cpu, cuda or cuda:N"]),
            ["unknown command"] = new(["lessen"], ExitCodes.Usage, ["lessen"]),
            ["unknown flag"] = new(["lesson", "simple-grad", "--verbose"], ExitCodes.Usage, ["--verbose"]),
            ["an unknown option is named as an option"] = new(["lesson", "simple-grad", "--frobnicate"], ExitCodes.Usage, ["unknown option '--frobnicate' for lesson", "valid options: --device, --seed, --set", "--kernels"]),
            ["an unknown option of list"] = new(["list", "--foo"], ExitCodes.Usage, ["unknown option '--foo' for list", "valid options: --kernels"]),
            ["--set without = is worded with its flag"] = new(["lesson", "grad-accumulation", "--set", "iterations"], ExitCodes.Usage, ["--set takes name=value, got 'iterations'"]),
            ["a value for a flag"] = new(["lesson", "simple-grad", "--json=maybe"], ExitCodes.Usage, ["maybe"]),
            ["bench --runs x"] = new(["bench", "--runs", "x"], ExitCodes.Usage, ["--runs needs a whole number from 1 to 1000, got 'x'"]),
            ["bench --json below a file"] = new(["bench", "--lesson", "simple-grad", "--json", Path.Combine(AFile, "bench.json")], ExitCodes.Usage, ["--json", "is a file, not a folder"]),
            ["parity --lesson without a value"] = new(["parity", "--lesson"], ExitCodes.Usage, ["--lesson needs a value"]),
            ["--code with an option about running"] = new(["lesson", "simple-grad", "--code", "--set", "lr=1"], ExitCodes.Usage, ["--code", "--set has nothing to do"]),
            ["--kernels with a bad value"] = new(["lesson", "simple-grad", "--kernels", "fast"], ExitCodes.Usage, ["--kernels takes 'pinned' or 'native', got 'fast'"]),
            ["a pattern that matches nothing"] = new(["lesson", "four-class-*", "nothing-*"], ExitCodes.Usage, ["no lesson matches 'nothing-*'"]),
            ["--jobs 0"] = new(["lesson", "four-class-*", "--jobs", "0"], ExitCodes.Usage, ["--jobs needs a whole number from 1 to 1024, got '0'"]),
            ["divergence names the step"] = new(["lesson", "two-layer-autograd", "--quiet", "--set", "lr=0.01", "--set", "steps=50"], ExitCodes.Diverged, ["loss became", "at step", "lower lr"], BeforeAnyWork: false),
        };
        if (OperatingSystem.IsLinux())
        {
            // /proc refuses new entries even to root, so these hold on any Linux machine.
            cases["--plots where no folder can be made"] = new(["lesson", "logistic-regression", "--plots", "/proc/no-such-dir/x"], ExitCodes.Usage, ["--plots '/proc/no-such-dir/x'", "cannot create a folder in '/proc'"]);
            cases["--plots not writable"] = new(["lesson", "logistic-regression", "--plots", "/proc/self"], ExitCodes.Usage, ["--plots '/proc/self'", "not writable"]);
        }
        if (!Lessons.Core.Torch.TorchNative.IsCudaBuild)
            cases["cuda in a CPU build"] = new(["lesson", "grad-tensors", "--device", "cuda:3"], ExitCodes.DeviceUnavailable, ["cuda:3", "CPU build"]);
        return cases;
    }

    public static TheoryData<string> CaseNames() => [.. Cases().Keys];

    public BadInputTests()
    {
        Directory.CreateDirectory(Scratch);
        File.WriteAllText(AFile, "not a folder");
    }

    public void Dispose() => Directory.Delete(Scratch, recursive: true);

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Bad_input_is_one_line_with_its_exit_code(string name)
    {
        Case c = Cases()[name];
        CliResult result = CliRun.Run(c.Args);
        AssertOneCleanLine(result, c.Code, c.Mentions);
        if (c.BeforeAnyWork)
        {
            Assert.Equal("", result.Out); // no heading, no transcript: no lesson ran
            Assert.Single(result.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries)); // nor any progress
        }
    }

    /// <summary>The checks every error line passes: one line, "error: ", no native frames, no .NET names, no stack trace.</summary>
    public static string AssertOneCleanLine(CliResult result, int code, params string[] mentions)
    {
        string line = CliRun.AssertOneLineError(result, code, mentions);
        foreach (string text in new[] { result.Err, result.Out })
        {
            Assert.DoesNotContain("frame #", text);
            Assert.DoesNotContain("System.", text);
            Assert.DoesNotContain("   at ", text);
            Assert.DoesNotContain("Exception", text);
        }
        return line;
    }

    [Fact]
    public void A_refused_size_names_the_largest_value_that_fits()
    {
        Lesson lesson = LessonCatalog.Get("two-layer-autograd");
        var options = LessonRunner.ParseOptions(lesson, ["N=100000000"]);
        const double available = 8e9;
        var refused = Assert.Throws<LessonUsageException>(() => LessonRunner.CheckMemory(lesson, options, ["N"], available));
        long largest = long.Parse(LargestN().Match(refused.Message).Groups[1].Value);

        double budget = available - MemoryEstimate.Reserve;
        Assert.True(Estimate(lesson, $"N={largest}") <= budget);
        Assert.True(Estimate(lesson, $"N={largest + 1}") > budget);
        // And that value passes the same check.
        LessonRunner.CheckMemory(lesson, LessonRunner.ParseOptions(lesson, [$"N={largest}"]), ["N"], available);
    }

    [Fact]
    public void Every_lesson_fits_at_the_tutorials_sizes()
    {
        foreach (Lesson lesson in LessonCatalog.All)
            Assert.True(Estimate(lesson) < 500e6, $"{lesson.Id}: its defaults are estimated at {MemoryEstimate.Format(Estimate(lesson))}");
    }

    /// <summary>
    /// The search for the largest value that fits assumes an estimate only grows (or only falls)
    /// with each integer option; and lessons with sizes declare an estimate at all.
    /// </summary>
    [Fact]
    public void Each_estimate_is_monotone_in_each_integer_option_and_finite()
    {
        foreach (Lesson lesson in LessonCatalog.All)
        {
            var integers = lesson.Options.Where(o => o.DefaultValue is int).ToList();
            if (integers.Count > 0) Assert.True(Estimate(lesson) > 0, $"{lesson.Id} has sizes but no memory estimate");
            foreach (LessonOption option in integers)
            {
                int fallback = (int)option.DefaultValue;
                double[] estimates = new long[] { 1, 2, fallback, 10L * fallback, 1000L * fallback, int.MaxValue }
                    .Where(v => v <= int.MaxValue && option.TryParse(v.ToString(), out _, out _))
                    .Select(v => Estimate(lesson, $"{option.Name}={v}"))
                    .ToArray();
                Assert.All(estimates, e => Assert.True(double.IsFinite(e) && e >= 0, $"{lesson.Id} {option.Name}: estimate {e}"));
                bool rising = estimates.Zip(estimates.Skip(1)).All(p => p.First <= p.Second);
                bool falling = estimates.Zip(estimates.Skip(1)).All(p => p.First >= p.Second);
                Assert.True(rising || falling, $"{lesson.Id}: the estimate is not monotone in {option.Name}: {string.Join(", ", estimates)}");
            }
        }
    }

    static double Estimate(Lesson lesson, params string[] assignments) =>
        lesson.EstimateBytes(new OptionValues(LessonRunner.ParseOptions(lesson, assignments)));

    [GeneratedRegex(@"the largest N that fits is (\d+)")]
    private static partial Regex LargestN();

    [Fact]
    public void An_allocation_libtorch_refuses_is_one_line_with_its_own_exit_code()
    {
        // With overcommit "always" (1) a 4 TB malloc would succeed and the kernel's OOM killer
        // would answer instead; the default heuristic (0) and "never" (2) refuse it at once.
        if (!OperatingSystem.IsLinux() || File.ReadAllText("/proc/sys/vm/overcommit_memory").Trim() == "1") return;
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = LessonsCommandLine.Guarded(new CliConsole(stdout, stderr, false), () =>
        {
            // The estimate is skipped, as if it had missed: libtorch's own failure must read as well.
            LessonRunner.Run("two-layer-autograd", new LessonSettings { Assignments = ["N=1000000000"], CheckMemory = false });
            return ExitCodes.Ok;
        });
        string line = AssertOneCleanLine(new CliResult(code, stdout.ToString(), stderr.ToString()), ExitCodes.OutOfMemory,
            "not enough memory: libtorch could not allocate 4 TB for lesson 'two-layer-autograd'", "is available");
        Assert.DoesNotContain("enforce fail", line);
    }

    [Fact]
    public void A_libtorch_error_is_its_first_line_without_native_frames()
    {
        TorchRuntime.Start(KernelChoice.Pinned);
        Exception shapes = Assert.ThrowsAny<Exception>(() => torch.ones(2, 3).mm(torch.ones(4, 5)));
        Assert.Equal("mat1 and mat2 shapes cannot be multiplied (2x3 and 4x5)", TorchErrors.OneLine(shapes));
        Assert.Null(TorchErrors.AllocationFailure(shapes));

        // The shape of the message the issue shows: an enforce failure followed by C++ frames.
        var enforce = new Exception("[enforce fail at alloc_cpu.cpp:127] err == 0. DefaultCPUAllocator: can't allocate memory: "
            + "you tried to allocate 400000000000 bytes. Error code 12 (Cannot allocate memory)\nframe #0: c10::ThrowEnforceNotMet(char const*, int) + 0x45\nframe #1: <unknown function> + 0x1b2f1 (0x7f in libc10.so)");
        Assert.Equal("400 GB", TorchErrors.AllocationFailure(enforce));
        Assert.DoesNotContain("frame #", TorchErrors.OneLine(enforce));

        if (!OperatingSystem.IsLinux() || File.ReadAllText("/proc/sys/vm/overcommit_memory").Trim() == "1") return;
        Exception huge = Assert.ThrowsAny<Exception>(() => torch.empty([1L << 42], ScalarType.Float32));
        Assert.Equal("17.6 TB", TorchErrors.AllocationFailure(huge));
        string line = TorchErrors.OneLine(huge);
        Assert.DoesNotContain("frame #", line);
        Assert.DoesNotContain("\n", line);
    }

    [Fact]
    public void A_failure_while_writing_figures_keeps_those_written_and_says_where()
    {
        string folder = Path.Combine(Scratch, "figures");
        // The last figure's name is taken by a folder: the frames are written, then the loss curve fails.
        Directory.CreateDirectory(Path.Combine(folder, "logistic-regression-loss.png"));
        CliResult result = CliRun.Run("lesson", "logistic-regression", "--plots", folder);

        Assert.Equal(ExitCodes.Failed, result.Code);
        string line = Assert.Single(result.ErrorLines);
        Match written = FiguresWritten().Match(line);
        Assert.True(written.Success, line);
        int count = int.Parse(written.Groups[1].Value);
        Assert.Contains($"are in {folder}", line);
        string[] pngs = Directory.GetFiles(folder, "*.png");
        Assert.Equal(count, pngs.Length);
        Assert.All(pngs, png => Assert.Contains($"figure: {png}", result.Out));
        Assert.Empty(Directory.GetFiles(folder, "*.partial"));
    }

    [GeneratedRegex(@"the (\d+) figures? written before it are in")]
    private static partial Regex FiguresWritten();

    [Fact]
    public void Figures_interrupted_midway_are_whole_files_and_nothing_half_written()
    {
        string folder = Path.Combine(Scratch, "interrupted");
        LessonRun run = LessonRunner.Run("logistic-regression", new LessonSettings());
        using var interrupt = new CancellationTokenSource();
        var written = new List<string>();
        var stopped = Assert.Throws<LessonInterruptedException>(() =>
            FigureWriter.Write(run, folder, written: path => { written.Add(path); interrupt.Cancel(); }, interrupt: interrupt.Token));

        Assert.Contains("interrupted while writing the figures", stopped.Message);
        string png = Assert.Single(written);
        Assert.Equal([png], Directory.GetFiles(folder)); // the one whole figure, no temporary file
        Assert.True(new FileInfo(png).Length > 1000);
    }

    [Fact]
    public void An_interrupt_stops_a_lesson_at_its_next_step()
    {
        using var interrupt = new CancellationTokenSource();
        var progress = new Progress(p => { if (p.Done >= 100) interrupt.Cancel(); });
        var stopped = Assert.Throws<LessonInterruptedException>(() => LessonRunner.Run("four-class-raw",
            new LessonSettings { Interrupt = interrupt.Token, Progress = progress }));
        Assert.Matches(@"^interrupted at step \d+ of 10000 \(training\)$", stopped.Message);
    }

    // Reports synchronously (System.Progress would post to the thread pool).
    sealed class Progress(Action<LessonProgress> report) : IProgress<LessonProgress>
    {
        public void Report(LessonProgress value) => report(value);
    }
}
