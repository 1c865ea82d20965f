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
        var root = new RootCommand("Classic PyTorch autograd lessons, ported to C# on TorchSharp.")
        {
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
        return parsed.Invoke(new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false });
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
