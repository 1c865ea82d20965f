using System.CommandLine;
using System.Diagnostics;
using System.Text.RegularExpressions;
using Lessons.Cli;
using Lessons.Core.Catalog;
using Lessons.Core.Exercises;

namespace Lessons.Tests;

/// <summary>
/// The bad-input sweep over the program's own command tree (issue 27): every command and option of
/// <c>lessons --help</c>, every lesson option through <c>--set</c>, every seed rule. Every case runs
/// in process through <see cref="LessonsCommandLine.Run"/>, the entry point <c>Main</c> calls with the
/// console's streams: a thousand process starts would take minutes on two cores, and nothing between
/// Main and that method parses or checks anything. One case of each option and argument also runs as
/// the built program, as a user runs it: its answer must be the in-process one, and the dynamic
/// loader's own record (LD_DEBUG) must show that libtorch was never loaded.
/// </summary>
public sealed partial class CommandLineSweepTests : IDisposable
{
    // A lesson with a torch seed, so that --seed's cases test the parsing, not "draws nothing".
    const string SweptLesson = "retain-graph";
    const string SweptBatch = "four-class-*";

    readonly string scratch = Path.Combine(Path.GetTempPath(), $"lessons-sweep-{Environment.ProcessId}-{Guid.NewGuid():N}");
    int folders;

    public CommandLineSweepTests()
    {
        Directory.CreateDirectory(scratch);
        File.WriteAllText(Path.Combine(scratch, "a-file"), "");
    }

    public void Dispose() => Directory.Delete(scratch, recursive: true);

    static Command Root => LessonsCommandLine.Parse([], new CliConsole(TextWriter.Null, TextWriter.Null, false)).RootCommandResult.Command;

    string FreshFolder() => Path.Combine(scratch, $"plots-{Interlocked.Increment(ref folders)}");

    SweepSetup Setup => new()
    {
        Rest = (command, symbol) =>
        {
            string plots = FreshFolder();
            return command.Name switch
            {
                "lesson" when symbol is Argument => (["--plots", plots], plots),
                "lesson" when symbol.Name == "--plots" => ([SweptLesson], null),
                "lesson" => ([SweptLesson, "--plots", plots], plots),
                "parity" when symbol.Name != "--lesson" => (["--lesson", "computational-graph"], null),
                "bench" when symbol.Name != "--lesson" => (["--lesson", "simple-grad"], null),
                "docs" when symbol.Name != "--output" => (["--output", Path.Combine(plots, "lessons.md")], plots),
                "hint" when symbol is not Argument => ([ExerciseBook.All[0].Id], null),
                "site" when symbol is not Argument => ([plots], plots),
                _ => null,
            };
        },
        OutputPaths = new HashSet<string> { "lesson --plots", "docs --output", "bench --json", "site dir" },
        PathBelowAFile = Path.Combine(scratch, "a-file", "below"),
        Extra = LessonCases,
    };

    /// <summary>
    /// The lessons' own options, each given malformed values of its type with --set (a count all of
    /// them, a number those beyond float32 or not finite, a text the empty one and a word), an unknown
    /// name on each lesson, and each lesson's seed rule: none at all where it draws nothing at
    /// random, numpy's range where it seeds numpy. The command-line options also run on a batch.
    /// </summary>
    IEnumerable<SweepCase> LessonCases()
    {
        foreach (Lesson lesson in LessonCatalog.All)
        {
            foreach (LessonOption option in lesson.Options)
            {
                IEnumerable<string> values = option.DefaultValue switch
                {
                    // 0 is a count some lessons take (four-class iterations=0 trains nothing); no count is negative.
                    int => CommandLineSweep.Malformed.Where(v => v != "0"),
                    double => ["abc", "", "1e39", "-1e39", "NaN", "inf"],
                    _ => ["", "abc"],
                };
                foreach (string value in values)
                    yield return LessonCase(lesson.Id, "--set " + option.Name, value, ["--set", $"{option.Name}={value}"]);
            }
            yield return LessonCase(lesson.Id, "--set", "no-such-option=1", ["--set", "no-such-option=1"]);
            if (lesson.Seed is null) yield return LessonCase(lesson.Id, "--seed", "0", ["--seed", "0"]);
            else if (LessonSeeds.DrawsWithNumpy(lesson))
                foreach (string seed in new[] { "-1", "4294967296" }) yield return LessonCase(lesson.Id, "--seed", seed, ["--seed", seed]);
        }
        foreach (SweepCase single in CommandLineSweep.Cases(Root, Setup with { Extra = () => [] }).Where(c => c.Command == "lesson" && c.Symbol != "id"))
            yield return single with { Command = "lesson (batch)", Args = [.. single.Args.Select(a => a == SweptLesson ? SweptBatch : a)] };
        yield return LessonCase(SweptBatch, "--set", "alpha=1e39", ["--set", "alpha=1e39"]);
        yield return LessonCase("two-layer-manual static-graph simple-grad", "--seed", "-1", ["--seed", "-1"]);
    }

    SweepCase LessonCase(string ids, string symbol, string value, string[] given)
    {
        string plots = FreshFolder();
        return new SweepCase("lesson", symbol, value, ["lesson", .. ids.Split(' '), .. given, "--plots", plots], plots);
    }

    [Fact]
    public void Every_malformed_value_of_every_option_is_refused_in_one_line_before_any_work()
    {
        var clock = Stopwatch.StartNew();
        IReadOnlyList<SweepCase> cases = CommandLineSweep.Cases(Root, Setup);
        IReadOnlyList<string> failures = CommandLineSweep.Failures(cases, args => CliRun.Run([.. args]));
        Assert.True(failures.Count == 0, $"{failures.Count} of {cases.Count} cases:\n" + string.Join("\n", failures.Take(40)));
        Assert.True(cases.Count > 500, $"only {cases.Count} cases");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"the sweep took {clock.Elapsed.TotalSeconds:F1} s");
    }

    /// <summary>The sweep covers every command and option <c>--help</c> shows: read from the help text, not from the tree it walks.</summary>
    [Fact]
    public void The_sweep_covers_every_command_and_option_of_help()
    {
        IReadOnlyList<SweepCase> cases = CommandLineSweep.Cases(Root, Setup);
        var swept = cases.Select(c => (c.Command, c.Symbol)).ToHashSet();
        string rootHelp = CliRun.Run("--help").Out;
        string[] commands = CommandsSection().Match(rootHelp).Groups[1].Value.Split('\n')
            .Select(l => CommandName().Match(l)).Where(m => m.Success).Select(m => m.Groups[1].Value).ToArray();
        Assert.Contains("lesson", commands);
        foreach (string command in commands.Prepend(""))
        {
            string help = CliRun.Run([.. command.Split(' ', StringSplitOptions.RemoveEmptyEntries), "--help"]).Out;
            string[] options = OptionsSection().Match(help).Groups[1].Value.Split('\n')
                .Select(l => OptionName().Match(l)).Where(m => m.Success).Select(m => m.Groups[1].Value)
                .Where(o => o is not ("--help" or "--version")).ToArray();
            Assert.NotEmpty(options);
            foreach (string option in options)
                Assert.True(swept.Contains((command.Length == 0 ? "(root)" : command, option)), $"'{command} {option}' is in --help but not in the sweep");
        }
    }

    [GeneratedRegex(@"Commands:\n((?:  .*\n?)*)")]
    private static partial Regex CommandsSection();

    [GeneratedRegex(@"^  ([a-z][\w-]*)")]
    private static partial Regex CommandName();

    [GeneratedRegex(@"Options:\n((?:  .*\n?)*)")]
    private static partial Regex OptionsSection();

    [GeneratedRegex(@"^  (?:-\S+, )*(--[\w-]+)")]
    private static partial Regex OptionName();

    /// <summary>
    /// One case of each option and argument as the built program, as a user runs it: the same answer
    /// as in process, and libtorch never loaded (the loader writes each library it maps to LD_DEBUG_OUTPUT).
    /// </summary>
    [Fact]
    public void A_case_of_each_option_run_as_the_program_gives_the_same_line_and_loads_no_libtorch()
    {
        if (!OperatingSystem.IsLinux()) return;
        var clock = Stopwatch.StartNew();
        // One case per option and argument; the lessons' own options share one parser (LessonOption), so
        // each malformed value once stands for them all, and the batch's options are sampled by three.
        var sample = CommandLineSweep.Cases(Root, Setup)
            .Where(c => c.Command != "lesson (batch)" || c.Symbol is "--set" or "--seed" or "--jobs")
            .GroupBy(c => (c.Command, c.Symbol.StartsWith("--set ", StringComparison.Ordinal) ? "--set option=" + c.Value : c.Symbol))
            .Select(g => g.First()).ToList();
        string loaderLogs = Path.Combine(scratch, "ld");
        Directory.CreateDirectory(loaderLogs);
        var failures = new System.Collections.Concurrent.ConcurrentBag<string>();
        Parallel.For(0, sample.Count, new ParallelOptions { MaxDegreeOfParallelism = 2 }, i =>
        {
            SweepCase sweepCase = sample[i];
            CliResult asProgram = Program(sweepCase.Args, Path.Combine(loaderLogs, i.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            if (CommandLineSweep.Problem(sweepCase, asProgram) is string problem) failures.Add($"{sweepCase}: {problem}");
            if (Directory.GetFiles(loaderLogs, $"{i}.*").Any(log => File.ReadAllText(log).Contains("libtorch", StringComparison.Ordinal)))
                failures.Add($"{sweepCase}: libtorch was loaded");
            CliResult inProcess = CliRun.Run([.. sweepCase.Args.Select(a => a.StartsWith(scratch, StringComparison.Ordinal) && !a.Contains("a-file") ? a + "-in-process" : a)]);
            if (inProcess.Code != asProgram.Code || inProcess.Err.Replace("-in-process", "") != asProgram.Err)
                failures.Add($"{sweepCase}: in process exit {inProcess.Code} '{inProcess.Err.Trim()}', as the program exit {asProgram.Code} '{asProgram.Err.Trim()}'");
        });
        Assert.True(failures.IsEmpty, string.Join("\n", failures));
        Assert.True(sample.Count > 30, $"only {sample.Count} options and arguments");
        // About 0.1 s a process on an idle machine, two at a time; 23 s measured with four other builds running.
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"the sample took {clock.Elapsed.TotalSeconds:F1} s");
    }

    /// <summary>The built program with these arguments, as a user runs it; the dynamic loader records each library it maps in <paramref name="loaderLog"/>.pid.</summary>
    internal static CliResult Program(IReadOnlyList<string> args, string loaderLog)
    {
        var start = new ProcessStartInfo(Path.Combine(AppContext.BaseDirectory, "lessons"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string arg in args) start.ArgumentList.Add(arg);
        start.Environment["LD_DEBUG"] = "files";
        start.Environment["LD_DEBUG_OUTPUT"] = loaderLog;
        using Process process = Process.Start(start)!;
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        string errors = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return new CliResult(process.ExitCode, output.Result, errors);
    }

    /// <summary>
    /// The control: the same checker over a command tree of its own, run through the program's
    /// handling (<see cref="LessonsCommandLine.RunParsed"/>), whose one option lacks its check. The
    /// sweep must fail it: a count that takes 0 and -1 starts work, and a validator that reads a
    /// value that does not parse (issue 27's first defect) throws.
    /// </summary>
    [Fact]
    public void The_sweep_fails_an_option_that_lacks_its_check()
    {
        // The tree is built for each run, its action writing where that run's output goes.
        static Func<TextWriter, RootCommand> Tree(Action<Option<int>> check) => output =>
        {
            var count = new Option<int>("--count") { DefaultValueFactory = _ => 1 };
            check(count);
            var work = new Command("work") { count };
            work.SetAction(parsed =>
            {
                output.WriteLine($"working {parsed.GetValue(count)} times");
                return 0;
            });
            return new RootCommand { work };
        };
        static IReadOnlyList<string> Sweep(Func<TextWriter, RootCommand> tree) =>
            CommandLineSweep.Failures(CommandLineSweep.Cases(tree(TextWriter.Null), new SweepSetup()), args =>
            {
                var stdout = new StringWriter();
                var stderr = new StringWriter();
                int code = LessonsCommandLine.RunParsed(tree(stdout).Parse([.. args]), new CliConsole(stdout, stderr, false));
                return new CliResult(code, stdout.ToString(), stderr.ToString());
            });

        var failures = Sweep(Tree(_ => { }));
        Assert.Contains(failures, f => f.Contains("--count '0'") && f.Contains("exit 0, not 2"));
        Assert.Contains(failures, f => f.Contains("--count '-1'") && f.Contains("exit 0, not 2"));

        failures = Sweep(Tree(count => count.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() < 1) result.AddError("--count must be at least 1");
        })));
        Assert.Contains(failures, f => f.Contains("--count 'abc'") && f.Contains("unhandled InvalidOperationException"));

        // And the check the program's counts use passes the same sweep.
        Assert.Empty(Sweep(Tree(count => WholeNumbers.Require(count, 1, 100))));
    }
}
