using System.CommandLine;
using Lessons.Core.Catalog;
using Lessons.Core.Code;
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
        var seed = new Option<long?>("--seed") { Description = "Override the tutorial's seed." };
        var set = new Option<string[]>("--set")
        {
            Description = "Set a lesson option: name=value (repeatable).",
            Arity = ArgumentArity.ZeroOrMore,
            AllowMultipleArgumentsPerToken = false,
        };
        var json = new Option<bool>("--json") { Description = "Print one JSON object with the results and the transcript." };
        var quiet = new Option<bool>("--quiet") { Description = "Print only the transcript: no heading, no progress." };
        var explain = new Option<bool>("--explain") { Description = "Print the lesson's notes before running it." };
        var plots = new Option<string?>("--plots") { Description = "Write the tutorial's figures as PNG files (and training as animated GIFs) into this folder." };
        var code = new Option<bool>("--code") { Description = "Print the lesson's C# (its Run and the code it uses), taken from its source, instead of running it." };

        var command = new Command("lesson", "Run one lesson and print what the tutorial prints.")
        {
            id, device, seed, set, json, quiet, explain, plots, code,
        };
        command.SetAction(parsed => LessonsCommandLine.Guarded(console, () =>
        {
            Lesson lesson = LessonCatalog.Get(parsed.GetValue(id)!);
            if (parsed.GetValue(code))
            {
                console.Out.Write(LessonSources.For(lesson).Text.ReplaceLineEndings());
                return ExitCodes.Ok;
            }
            bool asJson = parsed.GetValue(json);
            bool isQuiet = parsed.GetValue(quiet);
            if (parsed.GetValue(explain) && !asJson) console.Out.WriteLine(Explanation(lesson));
            else if (!isQuiet && !asJson) console.Out.WriteLine($"# {lesson.Id}: {lesson.Title} [{lesson.Source}]");

            LessonRun run = ProgressDisplay.Run(console, lesson.Id, isQuiet || asJson, (progress, writeLine) =>
                LessonRunner.Run(lesson, new LessonSettings
                {
                    Device = parsed.GetValue(device) ?? "cpu",
                    Seed = parsed.GetValue(seed),
                    Assignments = parsed.GetValue(set) ?? [],
                    // Stream the transcript as it is printed, so nothing is lost if a lesson stops early.
                    OnLine = asJson ? null : writeLine ?? console.Out.WriteLine,
                    Progress = progress,
                }));
            IReadOnlyList<string> figures = [];
            if (parsed.GetValue(plots) is string folder)
            {
                figures = [.. FigureWriter.Write(run, folder), .. AnimationWriter.Write(run, folder)];
                if (!asJson)
                {
                    foreach (string figure in figures) console.Out.WriteLine($"figure: {figure}");
                    if (figures.Count == 0) console.Out.WriteLine("figure: none (this tutorial section draws no figure)");
                }
            }
            if (asJson) console.Out.WriteLine(RunJson.Serialize(run, figures));
            return ExitCodes.Ok;
        }));
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
