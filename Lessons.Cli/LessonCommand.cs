using System.CommandLine;
using System.Globalization;
using Lessons.Core.Catalog;
using Lessons.Core.Figures;

namespace Lessons.Cli;

/// <summary><c>lesson &lt;id&gt;</c>: runs one lesson and prints its transcript (or JSON).</summary>
public static class LessonCommand
{
    public static Command Create(CliConsole console)
    {
        var id = new Argument<string>("id") { Description = "The lesson's id (see 'list')." };
        var device = new Option<string>("--device")
        {
            Description = "Where to run: cpu, cuda or cuda:N.",
            DefaultValueFactory = _ => "cpu",
        };
        var seed = new Option<long?>("--seed")
        {
            Description = "Override the tutorial's seed.",
            CustomParser = result =>
            {
                string text = result.Tokens.Count > 0 ? result.Tokens[^1].Value : "";
                if (long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out long value)) return value;
                result.AddError(text.Trim().TrimStart('-', '+').All(char.IsAsciiDigit) && text.Trim().Length > 0
                    ? $"--seed needs an integer from {long.MinValue} to {long.MaxValue}, got '{text}'"
                    : $"--seed needs an integer, got '{text}'");
                return null;
            },
        };
        var set = new Option<string[]>("--set")
        {
            Description = "Set a lesson option: name=value (repeatable).",
            Arity = ArgumentArity.ZeroOrMore,
            AllowMultipleArgumentsPerToken = false,
        };
        LessonsCommandLine.RequireValue(set, "name=value");
        var json = new Option<bool>("--json") { Description = "Print one JSON object with the results and the transcript." };
        var quiet = new Option<bool>("--quiet") { Description = "Print only the transcript: no heading, no progress." };
        var explain = new Option<bool>("--explain") { Description = "Print the lesson's notes before running it." };
        var plots = new Option<string?>("--plots")
        {
            Description = "Write the tutorial's figures as PNG files into this folder (created if missing), and the autograd graph as <id>-graph.dot/.svg/.png.",
        };
        var graph = new Option<bool>("--graph") { Description = "Print the autograd graphs the lesson recorded, as indented trees." };

        var command = new Command("lesson", "Run one lesson and print what the tutorial prints.")
        {
            id, device, seed, set, json, quiet, explain, plots, graph,
        };
        command.SetAction(parsed =>
        {
            var figures = new List<string>();
            string? folder = null;
            return LessonsCommandLine.Guarded(console, () =>
            {
                LessonInvocation run = Validate(parsed, console);
                folder = run.PlotsFolder;
                Lesson lesson = run.Lesson;
                if (run.Explain && !run.Json) console.Out.WriteLine(Explanation(lesson));
                else if (!run.Quiet && !run.Json) console.Out.WriteLine($"# {lesson.Id}: {lesson.Title} [{lesson.Source}]");

                LessonRun result = ProgressDisplay.Run(console, lesson.Id, run.Quiet || run.Json, (progress, writeLine) =>
                    LessonRunner.Run(lesson, run.Settings with
                    {
                        // Stream the transcript as it is printed, so nothing is lost if a lesson stops early.
                        OnLine = run.Json ? null : writeLine ?? console.Out.WriteLine,
                        Progress = progress,
                    }));
                if (run.Graph && !run.Json) PrintGraphs(console, result);
                if (folder is not null)
                {
                    FigureWriter.Write(result, folder, written: path =>
                    {
                        figures.Add(path);
                        if (!run.Json) console.Out.WriteLine($"figure: {path}");
                    }, interrupt: console.Interrupt);
                    GraphPictureResult pictures = GraphPictures.Write(result, folder, ["svg", "png"]);
                    figures.AddRange(pictures.Files);
                    if (!run.Json) foreach (string picture in pictures.Files) console.Out.WriteLine($"figure: {picture}");
                    if (pictures.Problem is not null) (run.Json ? console.Error : console.Out).WriteLine(pictures.Problem);
                    else if (figures.Count == 0 && !run.Json) console.Out.WriteLine("figure: none (this tutorial section draws no figure)");
                }
                if (run.Json) console.Out.WriteLine(RunJson.Serialize(result, figures));
                return ExitCodes.Ok;
            }, written: () => figures.Count == 0 ? null
                : $"the {figures.Count} figure{(figures.Count == 1 ? "" : "s")} written before it are in {folder}");
        });
        return command;
    }

    /// <summary>What a parsed <c>lesson</c> command asks for, every part of it checked.</summary>
    public sealed record LessonInvocation(Lesson Lesson, LessonSettings Settings, string? PlotsFolder, bool Json, bool Quiet, bool Explain, bool Graph);

    /// <summary>
    /// Everything that can be wrong with the input, found before any output and without running
    /// the lesson: the lesson id, its options, the seed and device, the sizes against the memory
    /// available, and the --plots folder (created if missing, proven writable). Throws the usage
    /// (or device) error the command prints.
    /// </summary>
    public static LessonInvocation Validate(ParseResult parsed, CliConsole console)
    {
        Lesson lesson = LessonCatalog.Get(parsed.GetValue<string>("id")!);
        var settings = new LessonSettings
        {
            Device = parsed.GetValue<string>("--device") ?? "cpu",
            Seed = parsed.GetValue<long?>("--seed"),
            Assignments = parsed.GetValue<string[]>("--set") ?? [],
            Interrupt = console.Interrupt,
        };
        // The quick checks first; loading libtorch to resolve the device takes most of a second.
        LessonRunner.Check(lesson, settings, resolveDevice: false);
        string? folder = parsed.GetValue<string?>("--plots");
        // The figures are listed under the path as the user wrote it.
        if (folder is not null) OutputPaths.WritableFolder("--plots", folder);
        LessonRunner.Check(lesson, settings);
        return new LessonInvocation(lesson, settings, folder,
            parsed.GetValue<bool>("--json"), parsed.GetValue<bool>("--quiet"), parsed.GetValue<bool>("--explain"), parsed.GetValue<bool>("--graph"));
    }

    /// <summary>What <c>--graph</c> prints: each recorded graph as a tree, or why there is none.</summary>
    static void PrintGraphs(CliConsole console, LessonRun run)
    {
        if (run.Graphs.Count == 0)
        {
            console.Out.WriteLine("graph: none (this lesson records no autograd graph)");
            return;
        }
        foreach (var recorded in run.Graphs)
            foreach (string line in recorded.TreeLines()) console.Out.WriteLine(line);
    }

    /// <summary>What <c>--explain</c> prints: title, source, notes and options.</summary>
    public static string Explanation(Lesson lesson)
    {
        var lines = new List<string>
        {
            $"# {lesson.Id}: {lesson.Title}",
            $"# from {lesson.Source}",
            "",
            LessonDocs.Paragraph(lesson.Notes),
            "",
        };
        foreach (var option in lesson.Options)
            lines.Add($"  --set {option.Name}=<{option.TypeName}>  (default {option.DefaultText}) {option.Description}");
        if (lesson.Seed is long seed) lines.Add($"  --seed <integer>  (default {seed})");
        lines.Add("");
        return string.Join(Environment.NewLine, lines);
    }
}
