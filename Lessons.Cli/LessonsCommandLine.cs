using System.CommandLine;
using System.CommandLine.Parsing;
using System.Text.RegularExpressions;
using Lessons.Core.Catalog;
using Lessons.Core.Torch;

namespace Lessons.Cli;

/// <summary>
/// The command line: parses, runs lessons from the catalogue and prints. Every error is one line
/// on stderr with an exit code (see <see cref="ExitCodes"/>), never a stack trace.
/// </summary>
public static partial class LessonsCommandLine
{
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr, bool interactive = false, CancellationToken interrupt = default)
    {
        // Run as a child of this program (SelfProcess), the command prints nothing itself: what it
        // prints, the files it writes, its notices and its error go to its parent in one envelope.
        ChildReport? report = ChildProtocol.IsChild(args) ? new ChildReport() : null;
        var printed = report is null ? stdout : new StringWriter();
        // libtorch starts (TorchRuntime.Start) only when a command needs it, with the kernels asked for here.
        var console = new CliConsole(printed, stderr, interactive && report is null, interrupt, ScanKernels(args)) { Report = report };
        int code = RunCommand(args, console);
        if (report is not null) stdout.WriteLine(report.ToJson(printed.ToString()!));
        return code;
    }

    static int RunCommand(string[] args, CliConsole console) => RunParsed(Parse(args, console), console);

    /// <summary>
    /// Runs a parsed command line with this program's handling: a parse error or an unknown option
    /// is one usage line, before the command's action runs. Public so that a test can run a command
    /// tree of its own through the same handling (the bad-input sweep's control).
    /// </summary>
    public static int RunParsed(ParseResult parsed, CliConsole console)
    {
        TorchRuntimeInfo? before = TorchRuntime.Started;
        if (UnknownOption(parsed) is string unknown) return Fail(console, unknown + " (see --help)", ExitCodes.Usage);
        if (parsed.Errors.Count > 0)
        {
            // The error about a word the user typed ("Unrecognized command or argument 'lessen'")
            // says more than its consequence ("Required command was not provided").
            ParseError error = parsed.Errors.FirstOrDefault(e => parsed.UnmatchedTokens.Any(t => e.Message.Contains($"'{t}'", StringComparison.Ordinal)))
                ?? parsed.Errors[0];
            return Fail(console, InUserWords(error) + " (see --help)", ExitCodes.Usage);
        }
        try
        {
            return parsed.Invoke(new InvocationConfiguration { Output = console.Out, Error = console.Error, EnableDefaultExceptionHandler = false });
        }
        catch (IOException e)
        {
            // Printing itself failed (stdout on a full disk, say) in a command that prints without
            // a guard of its own: list, --help. One line, as every other command gives.
            return Fail(console, e.Message, ExitCodes.Failed);
        }
        finally
        {
            foreach (string notice in KernelNotes(console.Kernels, before, TorchRuntime.Started)) console.Notice("note: " + notice);
        }
    }

    /// <summary>
    /// What to say about the kernels after a command: the notices of libtorch's start when this run
    /// started it, and that the kernels asked for could not take effect when it had started before.
    /// </summary>
    static IEnumerable<string> KernelNotes(KernelChoice asked, TorchRuntimeInfo? before, TorchRuntimeInfo? after)
    {
        if (after is null) yield break;
        if (before is null)
            foreach (string notice in after.Notices) yield return notice;
        if (after.Choice != asked)
            yield return $"--kernels {CpuKernels.Name(asked)} has no effect here: this process already chose {CpuKernels.Name(after.Choice)} kernels before libtorch started";
    }

    /// <summary>Parses without running anything: what <see cref="Run"/> checks before it invokes a command.</summary>
    public static ParseResult Parse(string[] args, CliConsole console)
    {
        var kernelsOption = new Option<string>("--kernels")
        {
            Description = "CPU kernels: 'pinned' (default; the tutorials' digits on every machine) or 'native' (this CPU's fastest; last digits may differ).",
            DefaultValueFactory = _ => "pinned",
            Recursive = true,
        };
        kernelsOption.Validators.Add(result =>
        {
            string text = result.GetValueOrDefault<string>() ?? "";
            if (!CpuKernels.TryParse(text, out _)) result.AddError($"--kernels takes 'pinned' or 'native', got '{text}'");
        });
        // Read before parsing (ChildProtocol.IsChild); declared so that the parser accepts it anywhere.
        var childOption = new Option<bool>(ChildProtocol.Flag) { Hidden = true, Recursive = true, Description = "Run as a child of this program: report in one JSON envelope on stdout." };
        var root = new RootCommand("Classic PyTorch autograd lessons, ported to C# on TorchSharp.")
        {
            kernelsOption,
            childOption,
            ListCommand(console),
            LessonCommand.Create(console),
            ParityCommand.Create(console),
            DocsCommand.Create(console),
            DocsCommand.SectionCommand(console),
            SiteCommand.Create(console),
            SiteCommand.SectionCommand(console),
            BenchCommand.Create(console),
            BenchCommand.MeasureCommand(console),
            ExerciseCommands.Exercises(console),
            ExerciseCommands.Check(console),
            ExerciseCommands.Hint(console),
        };
        return root.Parse(args);
    }

    /// <summary>
    /// A word that looks like an option and is none of the command's, named as an option with the
    /// valid ones: "unknown option '--frobnicate' for lesson; valid options: --device, …". The parser
    /// would call it an unrecognized argument, or take it for a lesson id where ids are expected.
    /// </summary>
    static string? UnknownOption(ParseResult parsed)
    {
        CommandResult result = parsed.CommandResult;
        string? word = parsed.UnmatchedTokens.FirstOrDefault(t => t.StartsWith('-'))
            ?? result.Children.OfType<ArgumentResult>().SelectMany(a => a.Tokens).Select(t => t.Value).FirstOrDefault(v => v.StartsWith('-'));
        if (word is null) return null;
        var valid = result.Command.Options
            .Concat(result.Command.Parents.OfType<Command>().SelectMany(c => c.Options).Where(o => o.Recursive))
            .Where(o => !o.Hidden && o is not System.CommandLine.Help.HelpOption && o is not VersionOption)
            .Select(o => o.Name)
            .Distinct();
        return $"unknown option '{word}' for {result.Command.Name}; valid options: {string.Join(", ", valid)}";
    }

    /// <summary>
    /// A parse error as the user would say it. System.CommandLine reports a value it cannot convert
    /// with the .NET type ("as expected type 'System.Nullable`1[System.Int64]'"); this says what
    /// the option wants instead: "--seed needs an integer, got 'foo'".
    /// </summary>
    public static string InUserWords(ParseError error)
    {
        string message = error.Message;
        if (!message.Contains("as expected type", StringComparison.Ordinal)) return message;
        Match match = ConversionFailure().Match(message);
        Type? type = error.SymbolResult switch
        {
            OptionResult o => o.Option.ValueType,
            ArgumentResult a => a.Argument.ValueType,
            _ => null,
        };
        return match.Success
            ? $"{match.Groups["name"].Value} needs {Kind(type)}, got '{match.Groups["value"].Value}'"
            : TypeName().Replace(message, $"as {Kind(type)}");
    }

    static string Kind(Type? type)
    {
        type = type is null ? null : Nullable.GetUnderlyingType(type) ?? type;
        if (type is not null && type.IsArray) type = type.GetElementType();
        return type == typeof(int) || type == typeof(long) || type == typeof(short) || type == typeof(uint) || type == typeof(ulong)
            ? "an integer"
            : type == typeof(double) || type == typeof(float) || type == typeof(decimal) ? "a number"
            : type == typeof(bool) ? "true or false"
            : "a valid value";
    }

    [GeneratedRegex("Cannot parse argument '(?<value>.*)' for (option|command|argument) '(?<name>[^']*)' as expected type '[^']*'")]
    private static partial Regex ConversionFailure();

    [GeneratedRegex("as expected type '[^']*'")]
    private static partial Regex TypeName();

    /// <summary>An option that takes values may not be given without one: "--set" alone is an error, not nothing.</summary>
    public static void RequireValue(Option option, string example)
    {
        option.Validators.Add(result =>
        {
            if (result.Tokens.Count == 0) result.AddError($"{option.Name} needs a value, e.g. {option.Name} {example}");
        });
    }

    /// <summary>The value of <c>--kernels</c> (or <c>--kernels=…</c>) in raw arguments; pinned when absent or not valid (the parser then reports the bad value).</summary>
    public static KernelChoice ScanKernels(IReadOnlyList<string> args)
    {
        KernelChoice? found = null;
        for (int i = 0; i < args.Count; i++)
        {
            string? text = args[i] == "--kernels" && i + 1 < args.Count ? args[i + 1]
                : args[i].StartsWith("--kernels=", StringComparison.Ordinal) ? args[i]["--kernels=".Length..]
                : null;
            if (text is not null && CpuKernels.TryParse(text, out KernelChoice choice)) found = choice;
        }
        return found ?? KernelChoice.Pinned;
    }

    static Command ListCommand(CliConsole console)
    {
        var list = new Command("list", "List every lesson: id, title and the tutorial section it ports.");
        list.SetAction(_ =>
        {
            int width = LessonCatalog.All.Max(l => l.Id.Length);
            foreach (Lesson lesson in LessonCatalog.All)
                console.Out.WriteLine($"{lesson.Id.PadRight(width)}  {lesson.Title}  [{lesson.Source}]");
            return ExitCodes.Ok;
        });
        return list;
    }

    /// <summary>
    /// Runs an action, turning each kind of failure into its one-line message and exit code.
    /// <paramref name="written"/> says what the action had already written when it failed (the
    /// figures so far, say); it is added to the line, so nothing written goes unmentioned.
    /// </summary>
    public static int Guarded(CliConsole console, Func<int> action, Func<string?>? written = null)
    {
        try
        {
            return action();
        }
        catch (Exception e)
        {
            var (message, code) = Describe(e);
            string? outputs = written?.Invoke();
            return Fail(console, outputs is null ? message : $"{message}; {outputs}", code);
        }
    }

    /// <summary>Each kind of failure in the user's words, with its exit code: Core's typed errors are worded here, with the commands and flags that fix them.</summary>
    static (string Message, int Code) Describe(Exception e) => e switch
    {
        UnknownLessonException or NoLessonMatchesException => ($"{e.Message} (run 'list' for all)", ExitCodes.Usage),
        BadAssignmentException bad => ($"--set takes name=value, got '{bad.Assignment}'", ExitCodes.Usage),
        BadDeviceException bad => ($"bad --device '{bad.Text}': use cpu, cuda or cuda:N (N a GPU index such as 0)", ExitCodes.Usage),
        SeedOutOfRangeException bad => ($"--seed {bad.Seed}: {(bad.LessonId is null ? "this lesson" : $"lesson {bad.LessonId}")} draws with numpy, whose seed must be between 0 and 2**32 - 1", ExitCodes.Usage),
        SeedWithoutDrawsException bad => ($"--seed {bad.Seed}: lesson {bad.LessonId} draws nothing at random; --seed has no effect", ExitCodes.Usage),
        LessonUsageException => (e.Message, ExitCodes.Usage),
        DeviceUnavailableException or TorchNativeLoadException => (e.Message, ExitCodes.DeviceUnavailable),
        LessonDivergedException => (e.Message, ExitCodes.Diverged),
        LessonOutOfMemoryException => ($"{e.Message}; lower its sizes with --set", ExitCodes.OutOfMemory),
        OutOfMemoryException => ("not enough memory: .NET could not allocate", ExitCodes.OutOfMemory),
        LessonInterruptedException => (e.Message, ExitCodes.Interrupted),
        TypeInitializationException => (TorchNative.Diagnose(e), ExitCodes.DeviceUnavailable),
        IOException or UnauthorizedAccessException => (e.Message, ExitCodes.Failed),
        _ => ($"the lesson failed: {TorchErrors.OneLine(e)}", ExitCodes.Failed),
    };

    static int Fail(CliConsole console, string message, int code)
    {
        console.Fail(message, code);
        return code;
    }
}
