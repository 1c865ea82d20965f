using System.CommandLine;
using Lessons.Core.Catalog;
using Lessons.Core.Figures;

namespace Lessons.Cli;

/// <summary><c>docs</c>: regenerates docs/lessons.md from the catalogue by running every lesson.</summary>
public static class DocsCommand
{
    public static Command Create(CliConsole console)
    {
        var output = new Option<string>("--output")
        {
            Description = "Where to write the page.",
            DefaultValueFactory = _ => LessonDocs.RelativePath,
        };
        var command = new Command("docs", "Write docs/lessons.md: every lesson with its notes, options and transcript.") { output };
        command.SetAction(parsed => LessonsCommandLine.Guarded(console, () =>
        {
            var runs = LessonCatalog.All
                .Select(lesson => ProgressDisplay.Run(console, lesson.Id, false, (progress, _) =>
                    LessonRunner.Run(lesson, new LessonSettings { Progress = progress })))
                .ToList();
            string path = parsed.GetValue(output)!;
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
            File.WriteAllText(path, LessonDocs.Render(runs));
            string figureFolder = Path.Combine(Path.GetDirectoryName(path) ?? ".", "figures");
            int figures = runs.Sum(run => FigureWriter.Write(run, figureFolder, onlyDocs: true).Count);
            figures += LessonDocs.WriteMedia(runs, figureFolder);   // animations, exercise figures
            console.Out.WriteLine($"wrote {path} ({runs.Count} lessons) and {figures} figures in {figureFolder}");
            return ExitCodes.Ok;
        }));
        return command;
    }
}
