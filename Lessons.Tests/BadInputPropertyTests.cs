using CsCheck;
using Lessons.Cli;
using Lessons.Core.Catalog;

namespace Lessons.Tests;

/// <summary>
/// Random input at every lesson's parsers, without running a lesson: <c>--set</c> strings,
/// numbers at the edges, random option names and flags, through LessonRunner.ParseOptions (and
/// the memory estimate it feeds) and through the command line's parse and up-front checks. Bad
/// input is a usage (or device) error in one clean line; never exit 1, never a trace.
/// </summary>
[Collection(TorchCollection.Name)]
public sealed class BadInputPropertyTests : IDisposable
{
    static readonly string[] Edges =
    [
        "0", "-0", "+0", "00", "1", "-1", "2", "NaN", "nan", "-NaN", "Infinity", "-Infinity", "inf", "∞",
        "1e308", "-1e308", "1e309", "4.9e-324", "1e-320", "0.5", ".5", "5.", "1,5", "1_000", "0x10",
        "2147483647", "2147483648", "-2147483648", "-2147483649", "9223372036854775807", "9223372036854775808",
        "-9223372036854775809", "340282366920938463463374607431768211456", "99999999999999999999999999999999",
        "", " ", "  7  ", "true", "false", "True", "yes", "[2,10,4]", "[2,3,3,4]", "[2,10000,10000,4]", "[]", "[2]",
        "[2,0,4]", "[2,-1,4]", "0,0;1,0", "0,0;", ";", "NaN,0", "=", "==", "a=b", "é", "\t", "null",
    ];

    readonly string scratch = Path.Combine(Path.GetTempPath(), $"lessons-property-{Environment.ProcessId}-{Guid.NewGuid():N}");

    public BadInputPropertyTests()
    {
        Directory.CreateDirectory(scratch);
        File.WriteAllText(Path.Combine(scratch, "a-file"), "");
    }

    public void Dispose() => Directory.Delete(scratch, recursive: true);

    static readonly Gen<string> Word = Gen.Char["abcdefghijklmnopqrstuvwxyz_ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-=.,;[]é "].Array[0, 12].Select(c => new string(c));

    static readonly Gen<string> Value = Gen.Frequency<string>((3, Gen.OneOf(Edges)), (1, Word), (1, Gen.Long.Select(l => l.ToString(System.Globalization.CultureInfo.InvariantCulture))),
        (1, Gen.Double.Select(d => d.ToString("R", System.Globalization.CultureInfo.InvariantCulture))));

    static Gen<string> Assignment(Lesson lesson)
    {
        Gen<string> name = Gen.Frequency<string>(
            (6, lesson.Options.Count == 0 ? Word : Gen.OneOf(lesson.Options.Select(o => o.Name).ToArray())),
            (1, Word));
        // Mostly name=value; sometimes no '=' at all.
        return Gen.Frequency<string>((8, name.Select(Value, (n, v) => n + "=" + v)), (1, Word));
    }

    Gen<string[]> Tokens(Lesson lesson) => Gen.Frequency<string[]>(
        (8, Assignment(lesson).Select(a => new[] { "--set", a })),
        (1, Gen.Const(new[] { "--set" })),
        (2, Value.Select(v => new[] { "--seed", v })),
        (1, Gen.OneOf("cpu", "CPU", "cuda", "cuda:0", "cuda:99", "cuda:-1", "gpu", "", "cpu ").Select(d => new[] { "--device", d })),
        (1, Gen.OneOf("--json", "--quiet", "--explain").Select(f => new[] { f })),
        (1, Value.Select(v => new[] { "--json=" + v })),
        (1, Word.Select(w => new[] { "--" + w })),
        (1, Word.Select(w => new[] { w })),
        (1, Gen.OneOf(Path.Combine(scratch, "plots"), Path.Combine(scratch, "a-file"), Path.Combine(scratch, "a-file", "x"), "").Select(p => new[] { "--plots", p })));

    [Fact]
    public void Random_input_is_never_an_unexpected_failure_nor_a_trace()
    {
        Gen<(Lesson, string[])> cases = Gen.OneOf(LessonCatalog.All.ToArray())
            .SelectMany(lesson => Tokens(lesson).Array[0, 5].Select(groups => (lesson, groups.SelectMany(g => g).ToArray())));
        cases.Sample((lesson, tokens) =>
        {
            CheckParseOptions(lesson, tokens);
            CheckCommandLine(lesson, tokens);
        }, iter: 2000, threads: 1, print: c => $"lesson {c.Item1.Id} {string.Join(' ', c.Item2.Select(t => $"'{t}'"))}");
    }

    static void CheckParseOptions(Lesson lesson, string[] tokens)
    {
        var assignments = tokens.Zip(tokens.Skip(1)).Where(p => p.First == "--set").Select(p => p.Second).ToList();
        IReadOnlyDictionary<string, object> options;
        try
        {
            options = LessonRunner.ParseOptions(lesson, assignments);
        }
        catch (LessonUsageException e)
        {
            AssertClean(e.Message);
            return;
        }
        double estimate = lesson.EstimateBytes(new OptionValues(options));
        Assert.True(estimate >= 0 && !double.IsNaN(estimate), $"estimate {estimate}");
        try
        {
            LessonRunner.CheckMemory(lesson, options, options.Keys.ToList(), availableBytes: 4e9);
        }
        catch (LessonUsageException e)
        {
            AssertClean(e.Message);
        }
    }

    static void CheckCommandLine(Lesson lesson, string[] tokens)
    {
        string[] args = ["lesson", lesson.Id, .. tokens];
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var console = new CliConsole(stdout, stderr, false);
        var parsed = LessonsCommandLine.Parse(args, console);
        if (parsed.Errors.Count > 0)
        {
            AssertClean(LessonsCommandLine.InUserWords(parsed.Errors[0]));
            return;
        }
        // What 'lesson' checks before it runs anything, with its exit code and line.
        int code = LessonsCommandLine.Guarded(console, () =>
        {
            LessonCommand.CheckInput(parsed, console);
            return ExitCodes.Ok;
        });
        Assert.True(code is ExitCodes.Ok or ExitCodes.Usage or ExitCodes.DeviceUnavailable, $"exit {code}: {stderr}");
        Assert.Equal("", stdout.ToString());
        string[] lines = stderr.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        if (code == ExitCodes.Ok) Assert.Empty(lines);
        else AssertClean(Assert.Single(lines));
    }

    static void AssertClean(string line)
    {
        Assert.DoesNotContain('\n', line.TrimEnd('\n', '\r'));
        Assert.DoesNotContain("System.", line);
        Assert.DoesNotContain("`1", line);
        Assert.DoesNotContain("frame #", line);
        Assert.DoesNotContain("   at ", line);
        Assert.DoesNotContain("Exception", line);
    }
}
