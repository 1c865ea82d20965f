using System.CommandLine;
using Lessons.Core.Catalog;
using Lessons.Core.Torch;

namespace Lessons.Cli;

/// <summary>
/// The command line: parses, runs lessons from the catalogue and prints. Every error is one line
/// on stderr with an exit code (see <see cref="ExitCodes"/>), never a stack trace.
/// </summary>
public static class LessonsCommandLine
{
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr, bool interactive = false)
    {
        var console = new CliConsole(stdout, stderr, interactive);
        // Before anything can touch libtorch: its kernels are fixed at their first use.
        CpuKernels.Choose(ScanKernels(args));
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
        var root = new RootCommand("Classic PyTorch autograd lessons, ported to C# on TorchSharp.")
        {
            kernelsOption,
            ListCommand(console),
            LessonCommand.Create(console),
            ParityCommand.Create(console),
            DocsCommand.Create(console),
            BenchCommand.Create(console),
            BenchCommand.MeasureCommand(console),
        };
        ParseResult parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            stderr.WriteLine("error: " + parsed.Errors[0].Message + " (see --help)");
            return ExitCodes.Usage;
        }
        foreach (string notice in CpuKernels.TakeNotices()) stderr.WriteLine("note: " + notice);
        try
        {
            return parsed.Invoke(new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false });
        }
        finally
        {
            foreach (string notice in CpuKernels.TakeNotices()) stderr.WriteLine("note: " + notice);
        }
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

    /// <summary>Runs an action, turning each kind of failure into its one-line message and exit code.</summary>
    public static int Guarded(CliConsole console, Func<int> action)
    {
        try
        {
            return action();
        }
        catch (LessonUsageException e) { return Fail(console, e.Message, ExitCodes.Usage); }
        catch (DeviceUnavailableException e) { return Fail(console, e.Message, ExitCodes.DeviceUnavailable); }
        catch (TorchNativeLoadException e) { return Fail(console, e.Message, ExitCodes.DeviceUnavailable); }
        catch (LessonDivergedException e) { return Fail(console, e.Message, ExitCodes.Diverged); }
        catch (TypeInitializationException e) { return Fail(console, TorchNative.Diagnose(e), ExitCodes.DeviceUnavailable); }
        catch (IOException e) { return Fail(console, e.Message, ExitCodes.Failed); }
        catch (UnauthorizedAccessException e) { return Fail(console, e.Message, ExitCodes.Failed); }
        catch (Exception e) { return Fail(console, $"the lesson failed: {TorchErrors.Message(e).ReplaceLineEndings(" ")}", ExitCodes.Failed); }
    }

    static int Fail(CliConsole console, string message, int code)
    {
        console.Error.WriteLine("error: " + message);
        return code;
    }
}
