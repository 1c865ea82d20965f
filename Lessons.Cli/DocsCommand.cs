using System.CommandLine;
using Lessons.Core.Catalog;
using Lessons.Core.Figures;

namespace Lessons.Cli;

/// <summary>
/// <c>docs</c>: regenerates docs/lessons.md from the catalogue by running every lesson. Lessons run
/// in processes of their own, several at a time (the runner of <c>lesson 'pattern'</c>): each
/// writes its figures and prints its part of the page (<see cref="LessonDocs.RunSection"/>), and
/// this process puts the page together in catalogue order.
/// </summary>
public static class DocsCommand
{
    public static Command Create(CliConsole console)
    {
        var output = new Option<string>("--output")
        {
            Description = "Where to write the page.",
            DefaultValueFactory = _ => LessonDocs.RelativePath,
        };
        var jobs = LessonBatch.JobsOption("How many lessons run at once, each in its own process (default: one per core, as memory allows; 1 runs them here).");
        var command = new Command("docs", "Write docs/lessons.md: every lesson with its notes, options and transcript.") { output, jobs };
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

                IReadOnlyList<Lesson> lessons = LessonCatalog.All;
                int workers = Math.Min(parsed.GetValue(jobs) ?? LessonBatch.DefaultJobs(lessons.Count), lessons.Count);
                var sections = new List<LessonDocs.LessonSection>();
                var problems = new SortedSet<string>(StringComparer.Ordinal);
                if (workers > 1)
                {
                    string folder = Path.GetFullPath(figureFolder);
                    var runs = SelfProcess.RunAll(lessons.Select(lesson => (IReadOnlyList<string>)
                        ["docs-section", lesson.Id, "--figures", folder]), workers, console);
                    for (int i = 0; i < lessons.Count; i++)
                    {
                        ChildResult result = runs[i].GetAwaiter().GetResult();
                        if (result.ExitCode == ExitCodes.Interrupted) throw new LessonInterruptedException($"interrupted while running {lessons[i].Id}");
                        if (result.ExitCode != ExitCodes.Ok)
                            throw new InvalidOperationException($"{lessons[i].Id}: {result.Err.Trim().Split('\n').LastOrDefault(l => !l.StartsWith('['))}");
                        console.Error.WriteLine($"[docs] {i + 1}/{lessons.Count} {lessons[i].Id} in {result.Seconds:F1} s");
                        sections.Add(new LessonDocs.LessonSection(lessons[i], lessons[i].Seed, result.Out));
                        // The child reports what it wrote and any picture it could not draw on stderr.
                        foreach (string line in result.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                            if (line.StartsWith(WroteFiles, StringComparison.Ordinal)) figures += int.Parse(line[WroteFiles.Length..], System.Globalization.CultureInfo.InvariantCulture);
                            else if (!line.StartsWith('[')) problems.Add(line);
                    }
                }
                else
                {
                    foreach (Lesson lesson in lessons)
                    {
                        LessonRun run = ProgressDisplay.Run(console, lesson.Id, false, (progress, _) =>
                            LessonRunner.Run(lesson, console.Settings with { Progress = progress }));
                        sections.Add(new LessonDocs.LessonSection(lesson, run.Seed, LessonDocs.RunSection(run)));
                        var (written, problem) = WriteMedia(run, figureFolder, console.Interrupt);
                        figures += written;
                        if (problem is not null) problems.Add(problem);
                    }
                }
                AtomicFile.WriteAllText(path, LessonDocs.Compose(sections));
                page = path;
                console.Out.WriteLine($"wrote {path} ({lessons.Count} lessons, {workers} at a time) and {figures} figures in {figureFolder}");
                foreach (string problem in problems) console.Out.WriteLine(problem);
                return ExitCodes.Ok;
            }, written: () => page is null ? null : $"{page} was written, and the {figures} figures written before it are in {figureFolder}");
        });
        return command;
    }

    const string WroteFiles = "wrote files: ";

    /// <summary>
    /// The hidden <c>docs-section</c> command the docs command runs per lesson: run it, write its
    /// figures, graph picture, animations and exercise figures into the folder, print its part of the page.
    /// </summary>
    public static Command SectionCommand(CliConsole console)
    {
        var id = new Argument<string>("id");
        var folder = new Option<string>("--figures") { Required = true };
        var command = new Command("docs-section", "Run one lesson for the docs page: write its figures, print its section.") { id, folder };
        command.Hidden = true;
        command.SetAction(parsed => LessonsCommandLine.Guarded(console, () =>
        {
            Lesson lesson = LessonCatalog.Get(parsed.GetValue(id)!);
            string figureFolder = parsed.GetValue(folder)!;
            OutputPaths.WritableFolder("--figures", figureFolder);
            LessonRun run = LessonRunner.Run(lesson, console.Settings);
            var (written, problem) = WriteMedia(run, figureFolder, console.Interrupt);
            console.Out.Write(LessonDocs.RunSection(run));
            console.Error.WriteLine(WroteFiles + written.ToString(System.Globalization.CultureInfo.InvariantCulture));
            if (problem is not null) console.Error.WriteLine(problem);
            return ExitCodes.Ok;
        }));
        return command;
    }

    /// <summary>Everything the page shows for a run besides its text: figures, the graph picture, animations, exercise figures.</summary>
    static (int Written, string? Problem) WriteMedia(LessonRun run, string figureFolder, CancellationToken interrupt)
    {
        int written = 0;
        FigureWriter.Write(run, figureFolder, onlyDocs: true, written: _ => written++, interrupt: interrupt);
        GraphPictureResult graph = GraphPictures.Write(run, figureFolder, ["png"], keepDot: false);
        written += graph.Files.Count;
        written += LessonDocs.WriteMedia([run], figureFolder);
        return (written, graph.Problem);
    }
}
