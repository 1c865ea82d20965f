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
        command.SetAction(parsed =>
        {
            int figures = 0;
            string figureFolder = "";
            string? page = null;
            return LessonsCommandLine.Guarded(console, () =>
            {
                // Checked before the minutes of running every lesson.
                string path = parsed.GetValue(output)!;
                OutputPaths.WritableFile("--output", path);
                figureFolder = Path.Combine(Path.GetDirectoryName(path) ?? ".", "figures");
                OutputPaths.WritableFolder("--output", figureFolder);

                var runs = LessonCatalog.All
                    .Select(lesson => ProgressDisplay.Run(console, lesson.Id, false, (progress, _) =>
                        LessonRunner.Run(lesson, new LessonSettings { Progress = progress, Interrupt = console.Interrupt })))
                    .ToList();
                AtomicFile.WriteAllText(path, LessonDocs.Render(runs));
                page = path;
                foreach (LessonRun run in runs)
                    FigureWriter.Write(run, figureFolder, onlyDocs: true, written: _ => figures++, interrupt: console.Interrupt);
                var graphs = runs.Select(run => GraphPictures.Write(run, figureFolder, ["png"], keepDot: false)).ToList();
                figures += graphs.Sum(g => g.Files.Count);
                figures += LessonDocs.WriteMedia(runs, figureFolder); // animations, exercise figures
                console.Out.WriteLine($"wrote {path} ({runs.Count} lessons) and {figures} figures in {figureFolder}");
                foreach (string problem in graphs.Select(g => g.Problem).OfType<string>().Distinct())
                    console.Out.WriteLine(problem);
                return ExitCodes.Ok;
            }, written: () => page is null ? null : $"{page} was written, and the {figures} figures written before it are in {figureFolder}");
        });
        return command;
    }
}
