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
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        RootCommand root = Build(stdout, stderr);
        ParseResult parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            stderr.WriteLine("error: " + parsed.Errors[0].Message + " (see --help)");
            return ExitCodes.Usage;
        }
        return parsed.Invoke(new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false });
    }

    static RootCommand Build(TextWriter stdout, TextWriter stderr)
    {
        var root = new RootCommand("Classic PyTorch autograd lessons, ported to C# on TorchSharp.");
        root.Subcommands.Add(ListCommand(stdout));
        root.Subcommands.Add(LessonCommand(stdout, stderr));
        return root;
    }

    static Command ListCommand(TextWriter stdout)
    {
        var list = new Command("list", "List every lesson: id, title and the tutorial section it ports.");
        list.SetAction(_ =>
        {
            int width = LessonCatalog.All.Max(l => l.Id.Length);
            foreach (Lesson lesson in LessonCatalog.All)
                stdout.WriteLine($"{lesson.Id.PadRight(width)}  {lesson.Title}  [{lesson.Source}]");
            return ExitCodes.Ok;
        });
        return list;
    }

    static Command LessonCommand(TextWriter stdout, TextWriter stderr)
    {
        var id = new Argument<string>("id") { Description = "The lesson's id (see 'list')." };
        var device = new Option<string>("--device")
        {
            Description = "Where to run: cpu, cuda or cuda:N.",
            DefaultValueFactory = _ => "cpu",
        };
        var seed = new Option<long?>("--seed") { Description = "Override the tutorial's seed." };
        var set = new Option<string[]>("--set")
        {
            Description = "Set a lesson option: name=value (repeatable).",
            Arity = ArgumentArity.ZeroOrMore,
            AllowMultipleArgumentsPerToken = false,
        };
        var json = new Option<bool>("--json") { Description = "Print one JSON object with the results and the transcript." };

        var command = new Command("lesson", "Run one lesson and print what the tutorial prints.") { id, device, seed, set, json };
        command.SetAction(parsed =>
        {
            bool asJson = parsed.GetValue(json);
            var settings = new LessonSettings
            {
                Device = parsed.GetValue(device) ?? "cpu",
                Seed = parsed.GetValue(seed),
                Assignments = parsed.GetValue(set) ?? [],
                // Stream the transcript as it is printed, so nothing is lost if a lesson stops early.
                OnLine = asJson ? null : line => stdout.WriteLine(line),
            };
            return Guarded(stderr, () =>
            {
                Lesson lesson = LessonCatalog.Get(parsed.GetValue(id)!);
                if (!asJson) stdout.WriteLine($"# {lesson.Id}: {lesson.Title} [{lesson.Source}]");
                LessonRun run = LessonRunner.Run(lesson, settings);
                if (asJson) stdout.WriteLine(RunJson.Serialize(run));
                return ExitCodes.Ok;
            });
        });
        return command;
    }

    /// <summary>Runs an action, turning each kind of failure into its one-line message and exit code.</summary>
    static int Guarded(TextWriter stderr, Func<int> action)
    {
        try
        {
            return action();
        }
        catch (LessonUsageException e) { return Fail(stderr, e.Message, ExitCodes.Usage); }
        catch (DeviceUnavailableException e) { return Fail(stderr, e.Message, ExitCodes.DeviceUnavailable); }
        catch (TorchNativeLoadException e) { return Fail(stderr, e.Message, ExitCodes.DeviceUnavailable); }
        catch (LessonDivergedException e) { return Fail(stderr, e.Message, ExitCodes.Diverged); }
        catch (TypeInitializationException e) { return Fail(stderr, TorchNative.Diagnose(e), ExitCodes.DeviceUnavailable); }
        catch (Exception e) { return Fail(stderr, $"the lesson failed: {TorchErrors.Message(e).ReplaceLineEndings(" ")}", ExitCodes.Failed); }
    }

    static int Fail(TextWriter stderr, string message, int code)
    {
        stderr.WriteLine("error: " + message);
        return code;
    }
}
