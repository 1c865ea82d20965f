using System.CommandLine;
using Lessons.Core.Catalog;
using Lessons.Core.Site;

namespace Lessons.Cli;

/// <summary>
/// <c>site &lt;dir&gt;</c>: writes the course as a static site (<see cref="CourseSite"/>) from the same
/// runs as <c>docs</c>. Lessons run as for docs, in processes of their own, several at a time: each
/// writes its media into the site and reports its part (<see cref="CourseSite.SiteLesson"/>); this
/// process writes the pages in catalogue order.
/// </summary>
public static class SiteCommand
{
    public static Command Create(CliConsole console)
    {
        var folder = new Argument<string>("dir") { Description = "The folder to write the site into (created if missing); open its index.html in a browser." };
        var jobs = LessonBatch.JobsOption("How many lessons run at once, each in its own process (default: one per core, as memory allows; 1 runs them here).");
        var command = new Command("site", "Write the course as a static site that opens from disk: index.html, a page per tutorial, the exercises, backward stepped by hand.") { folder, jobs };
        command.SetAction(parsed =>
        {
            string site = "";
            int media = 0;
            return LessonsCommandLine.Guarded(console, () =>
            {
                site = OutputPaths.WritableFolder("the site's folder", parsed.GetValue(folder)!);
                IReadOnlyList<Lesson> lessons = LessonCatalog.All;
                int workers = Math.Min(parsed.GetValue(jobs) ?? LessonBatch.DefaultJobs(lessons.Count), lessons.Count);
                var parts = new List<CourseSite.SiteLesson>();
                LessonBatch.RunCourse<CourseSite.SiteLesson>(console, "site", "no part of the site", workers,
                    lesson => ["site-section", lesson.Id, "--site", site],
                    run =>
                    {
                        CourseSite.SiteLesson part = CourseSite.Lesson(run, site, console.Interrupt);
                        SettleGarbage();
                        return (part, part.Files, part.Problems);
                    },
                    part =>
                    {
                        parts.Add(part.Part);
                        media += part.Part.Files.Count;
                    });
                IReadOnlyList<string> pages = CourseSite.Write(parts, site);
                console.Out.WriteLine($"wrote the course site in {site}: {pages.Count} files (pages, script, style sheet) and {media} figures and frames ({lessons.Count} lessons, {workers} at a time)");
                foreach (string problem in parts.SelectMany(p => p.Problems).Distinct()) console.Out.WriteLine(problem);
                console.Out.WriteLine($"open {Path.Combine(site, CourseSite.IndexFile)} in a browser (file:// works: nothing is loaded from the network)");
                return ExitCodes.Ok;
            }, written: () => media == 0 ? null : $"{media} figures and frames were written in {site}, no page yet");
        });
        return command;
    }

    /// <summary>
    /// A full collection after a lesson's frames are drawn (hundreds of PNG buffers), so that the
    /// next lesson, in this process or the same worker, does not start with that garbage pending:
    /// a lesson run in one process after many frames once failed in libtorch ("Unknown scalar type").
    /// </summary>
    static void SettleGarbage()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
    }

    /// <summary>The hidden <c>site-section</c> command the site command runs per lesson, as its child: run it, write its media, report its part.</summary>
    public static Command SectionCommand(CliConsole console)
    {
        var id = new Argument<string>("id");
        var site = new Option<string>("--site") { Required = true };
        var command = new Command("site-section", "Run one lesson for the course site: write its media, report its part.") { id, site };
        command.Hidden = true;
        command.SetAction(parsed => LessonsCommandLine.Guarded(console, () =>
        {
            Lesson lesson = LessonCatalog.Get(parsed.GetValue(id)!);
            string folder = OutputPaths.WritableFolder("--site", parsed.GetValue(site)!);
            LessonRun run = LessonRunner.Run(lesson, console.Settings);
            CourseSite.SiteLesson part = CourseSite.Lesson(run, folder, console.Interrupt);
            SettleGarbage();
            if (console.Report is not null) console.Report.Payload = part;
            foreach (string file in part.Files) console.Wrote(file);
            return ExitCodes.Ok;
        }));
        return command;
    }
}
