using System.CommandLine;
using Lessons.Core.Catalog;
using Lessons.Core.Figures;

namespace Lessons.Cli;

/// <summary>
/// <c>docs</c>: regenerates the course (docs/lessons.md, the index, and a page per tutorial beside
/// it) from the catalogue by running every lesson. Lessons run in processes of their own, several at
/// a time (the runner of <c>lesson 'pattern'</c>): each writes its figures and reports its part of
/// the course (<see cref="LessonDocs.RunSection"/>), and this process puts the pages together in catalogue order.
/// </summary>
public static class DocsCommand
{
    public static Command Create(CliConsole console)
    {
        var output = new Option<string>("--output")
        {
            Description = "Where to write the index page; the tutorials' pages go beside it.",
            DefaultValueFactory = _ => LessonDocs.RelativePath,
        };
        var jobs = LessonBatch.JobsOption("How many lessons run at once, each in its own process (default: one per core, as memory allows; 1 runs them here).");
        var command = new Command("docs", "Write the course: docs/lessons.md and a page per tutorial, every lesson with its notes, options, code and transcript.") { output, jobs };
        command.SetAction(parsed =>
        {
            int figures = 0;
            string figureFolder = "";
            string? pagesWritten = null;
            return LessonsCommandLine.Guarded(console, () =>
            {
                // Checked before the minutes of running every lesson.
                string path = parsed.GetValue(output)!;
                OutputPaths.WritableFile("--output", path);
                figureFolder = Path.Combine(Path.GetDirectoryName(path) ?? ".", "figures");
                OutputPaths.WritableFolder("--output", figureFolder);

                IReadOnlyList<Lesson> lessons = LessonCatalog.All;
                int workers = Math.Min(parsed.GetValue(jobs) ?? LessonBatch.DefaultJobs(lessons.Count), lessons.Count);
                var sections = new List<LessonDocs.LessonSection>();
                var problems = new SortedSet<string>(StringComparer.Ordinal);
                string folder = Path.GetFullPath(figureFolder);
                // A child's payload is its part of the page; its files are the media it wrote, its
                // notices the pictures it could not draw.
                LessonBatch.RunCourse<string>(console, "docs", "no section", workers,
                    lesson => ["docs-section", lesson.Id, "--figures", folder],
                    run =>
                    {
                        string section = LessonDocs.RunSection(run);
                        var (written, problem) = WriteMedia(run, figureFolder, console.Interrupt);
                        return (section, written, problem is null ? [] : [problem]);
                    },
                    part =>
                    {
                        sections.Add(new LessonDocs.LessonSection(part.Lesson, part.Seed, part.Part));
                        figures += part.Files.Count;
                        problems.UnionWith(part.Notices);
                    });
                IReadOnlyList<LessonDocs.DocsPage> pages = LessonDocs.Compose(sections);
                string pageFolder = Path.GetDirectoryName(path) ?? ".";
                string PathOf(LessonDocs.DocsPage docsPage) => docsPage.RelativePath == LessonDocs.RelativePath
                    ? path
                    : Path.Combine(pageFolder, Path.GetFileName(docsPage.RelativePath));
                foreach (LessonDocs.DocsPage docsPage in pages) OutputPaths.WritableFile("--output", PathOf(docsPage));
                foreach (LessonDocs.DocsPage docsPage in pages) AtomicFile.WriteAllText(PathOf(docsPage), docsPage.Text);
                pagesWritten = $"{path} and the {pages.Count - 1} tutorials' pages beside it";
                console.Out.WriteLine($"wrote {pagesWritten} ({lessons.Count} lessons, {workers} at a time) and {figures} figures in {figureFolder}");
                foreach (string problem in problems) console.Out.WriteLine(problem);
                return ExitCodes.Ok;
            }, written: () => pagesWritten is null ? null : $"{pagesWritten} were written, and the {figures} figures written before them are in {figureFolder}");
        });
        return command;
    }

    /// <summary>
    /// The hidden <c>docs-section</c> command the docs command runs per lesson, as its child: run it,
    /// write its figures, graph picture, animations and exercise figures into the folder, and report
    /// its part of the page as the payload, the files it wrote, and any picture it could not draw.
    /// </summary>
    public static Command SectionCommand(CliConsole console)
    {
        var id = new Argument<string>("id");
        var folder = new Option<string>("--figures") { Required = true };
        var command = new Command("docs-section", "Run one lesson for the course pages: write its figures, report its section.") { id, folder };
        command.Hidden = true;
        command.SetAction(parsed => LessonsCommandLine.Guarded(console, () =>
        {
            Lesson lesson = LessonCatalog.Get(parsed.GetValue(id)!);
            string figureFolder = parsed.GetValue(folder)!;
            OutputPaths.WritableFolder("--figures", figureFolder);
            LessonRun run = LessonRunner.Run(lesson, console.Settings);
            var (written, problem) = WriteMedia(run, figureFolder, console.Interrupt);
            console.Out.Write(LessonDocs.RunSection(run));
            foreach (string file in written) console.Wrote(file);
            if (problem is not null) console.Notice(problem);
            return ExitCodes.Ok;
        }));
        return command;
    }

    /// <summary>Everything the page shows for a run besides its text: figures, the graph picture, animations, exercise figures.</summary>
    static (IReadOnlyList<string> Written, string? Problem) WriteMedia(LessonRun run, string figureFolder, CancellationToken interrupt)
    {
        var written = new List<string>(FigureWriter.Write(run, figureFolder, onlyDocs: true, interrupt: interrupt));
        GraphPictureResult graph = GraphPictures.Write(run, figureFolder, ["png"], keepDot: false);
        written.AddRange(graph.Files);
        written.AddRange(LessonDocs.WriteMedia([run], figureFolder));
        return (written, graph.Problem);
    }
}
