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
        var plots = new Option<string?>("--plots") { Description = "Write the tutorial's figures as PNG files into this folder (created if missing)." };

        var command = new Command("lesson", "Run one lesson and print what the tutorial prints.")
        {
            id, device, seed, set, json, quiet, explain, plots,
        };
        command.SetAction(parsed =>
        {
            var figures = new List<string>();
            string? folder = null;
            return LessonsCommandLine.Guarded(console, () =>
            {
                Lesson lesson = LessonCatalog.Get(parsed.GetValue(id)!);
                bool asJson = parsed.GetValue(json);
                bool isQuiet = parsed.GetValue(quiet);
                var settings = new LessonSettings
                {
                    Device = parsed.GetValue(device) ?? "cpu",
                    Seed = parsed.GetValue(seed),
                    Assignments = parsed.GetValue(set) ?? [],
                    Interrupt = console.Interrupt,
                };
                // Everything that can be wrong with the input is found here, before any output:
                // options, device, sizes against the memory available, the --plots folder.
                LessonRunner.Check(lesson, settings);
                if (parsed.GetValue(plots) is string plotsPath)
                {
                    OutputPaths.WritableFolder("--plots", plotsPath);
                    folder = plotsPath; // figures are listed under the path as the user wrote it
                }

                if (parsed.GetValue(explain) && !asJson) console.Out.WriteLine(Explanation(lesson));
                else if (!isQuiet && !asJson) console.Out.WriteLine($"# {lesson.Id}: {lesson.Title} [{lesson.Source}]");

                LessonRun run = ProgressDisplay.Run(console, lesson.Id, isQuiet || asJson, (progress, writeLine) =>
                    LessonRunner.Run(lesson, settings with
                    {
                        // Stream the transcript as it is printed, so nothing is lost if a lesson stops early.
                        OnLine = asJson ? null : writeLine ?? console.Out.WriteLine,
                        Progress = progress,
                    }));
                if (folder is not null)
                {
                    FigureWriter.Write(run, folder, written: path =>
                    {
                        figures.Add(path);
                        if (!asJson) console.Out.WriteLine($"figure: {path}");
                    }, interrupt: console.Interrupt);
                    if (figures.Count == 0 && !asJson) console.Out.WriteLine("figure: none (this tutorial section draws no figure)");
                }
                if (asJson) console.Out.WriteLine(RunJson.Serialize(run, figures));
                return ExitCodes.Ok;
            }, written: () => figures.Count == 0 ? null
                : $"the {figures.Count} figure{(figures.Count == 1 ? "" : "s")} written before it are in {folder}");
        });
        return command;
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
