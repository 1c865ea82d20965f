using System.CommandLine;
using System.Text.Json.Nodes;
using Lessons.Core.Catalog;

namespace Lessons.Cli;

/// <summary>
/// Several lessons from one command: each runs in a process of its own (libtorch's generator is
/// process-global, so two lessons never share one), several at a time, and each transcript is
/// printed whole, in catalogue order, as `lesson &lt;id&gt;` alone would print it.
/// </summary>
public static class LessonBatch
{
    /// <summary>The <c>--jobs</c> option of every command that runs lessons in processes of their own.</summary>
    public static Option<int?> JobsOption(string description)
    {
        var jobs = new Option<int?>("--jobs") { Description = description };
        WholeNumbers.Require(jobs, 1, WholeNumbers.MaxJobs);
        return jobs;
    }

    /// <summary>How many lessons run at once by default: one per core, no more than the lessons, and as many as memory allows.</summary>
    public static int DefaultJobs(int lessons)
    {
        // A lesson's process peaks near 250 MB (docs/guide/performance.md); keep a margin for the rest of the machine.
        const long perProcess = 400L << 20;
        double available = SystemMemory.AvailableBytes();
        int byMemory = (int)Math.Clamp(available / perProcess, 1, 1024);
        return Math.Max(1, Math.Min(Math.Min(Environment.ProcessorCount, lessons), byMemory));
    }

    /// <summary>A lesson's part of the course (a docs section, a site section), the seed it ran with, and what it wrote and noticed.</summary>
    public readonly record struct CoursePart<T>(Lesson Lesson, T Part, long? Seed, IReadOnlyList<string> Files, IReadOnlyList<string> Notices);

    /// <summary>
    /// Runs every lesson of the catalogue for a command that builds the course (<c>docs</c>,
    /// <c>site</c>): in child processes of <paramref name="childArgs"/>, <paramref name="workers"/> at
    /// a time, when there are several, else here through <paramref name="here"/>. Each part reaches
    /// <paramref name="onPart"/> in catalogue order as soon as it is ready, so what was written before
    /// a failure is counted. An interrupted child stops the command; a failed one names its lesson (or
    /// says <paramref name="missing"/> when it reported nothing).
    /// </summary>
    public static void RunCourse<T>(CliConsole console, string stage, string missing, int workers,
        Func<Lesson, IReadOnlyList<string>> childArgs,
        Func<LessonRun, (T Part, IReadOnlyList<string> Files, IReadOnlyList<string> Notices)> here,
        Action<CoursePart<T>> onPart) where T : class
    {
        IReadOnlyList<Lesson> lessons = LessonCatalog.All;
        if (workers > 1)
        {
            var runs = SelfProcess.RunAll<T>(lessons.Select(childArgs), workers, console);
            for (int i = 0; i < lessons.Count; i++)
            {
                ChildResult<T> result = runs[i].GetAwaiter().GetResult();
                Envelope<T> report = result.Report;
                if (report.Error?.ExitCode == ExitCodes.Interrupted) throw new LessonInterruptedException($"interrupted while running {lessons[i].Id}");
                if (report.Error is { } error || report.Payload is not { } part)
                    throw new InvalidOperationException($"{lessons[i].Id}: {report.Error?.Message ?? missing}");
                console.Error.WriteLine($"[{stage}] {i + 1}/{lessons.Count} {lessons[i].Id} in {result.Seconds:F1} s");
                onPart(new CoursePart<T>(lessons[i], part, lessons[i].Seed, report.Files, report.Notices));
            }
            return;
        }
        foreach (Lesson lesson in lessons)
        {
            LessonRun run = ProgressDisplay.Run(console, lesson.Id, false, (progress, _) =>
                LessonRunner.Run(lesson, console.Settings with { Progress = progress }));
            var (part, files, notices) = here(run);
            onPart(new CoursePart<T>(lesson, part, run.Seed, files, notices));
        }
    }

    /// <summary>
    /// Runs every lesson's child command, <paramref name="jobs"/> at a time, and prints the results
    /// in order as they become ready. Returns the first failing lesson's exit code (catalogue order),
    /// or 0; the other lessons still run and report.
    /// </summary>
    public static int Run(CliConsole console, IReadOnlyList<(Lesson Lesson, IReadOnlyList<string> Args)> children, int jobs, bool json, bool quiet)
    {
        if (!quiet && !json)
            console.Error.WriteLine($"[lessons] {children.Count} lessons, {jobs} at a time, each in its own process");
        // Each child's payload is what `lesson <id>` alone prints (its text, or its JSON object).
        var runs = SelfProcess.RunAll<string>(children.Select(child => child.Args), jobs, console);

        int exitCode = ExitCodes.Ok;
        var array = new JsonArray();
        var noticed = new HashSet<string>(StringComparer.Ordinal);
        // Ctrl-C stops every lesson: the user hears of it once, in one line that says where the
        // first running lesson stopped and how many had finished, not once per lesson.
        string? interruptedAt = null;
        int interrupted = 0, finished = 0;
        for (int i = 0; i < children.Count; i++)
        {
            ChildResult<string> result = runs[i].GetAwaiter().GetResult();
            Envelope<string> report = result.Report;
            string id = children[i].Lesson.Id;
            if (json) array.Add(JsonResult(id, result));
            else console.Out.Write(report.Payload);
            foreach (string notice in report.Notices)
                if (noticed.Add(notice)) console.Notice(notice); // the same note from every child, once
            if (result.ExitCode == ExitCodes.Interrupted)
            {
                interrupted++;
                if (interruptedAt is null && report.Payload is not null) interruptedAt = $"{id} {report.Error?.Message ?? "was interrupted"}";
                continue;
            }
            if (result.ExitCode == ExitCodes.Ok) finished++;
            // Among several lessons, an error says whose it is.
            if (report.Error is { } error) console.Error.WriteLine($"error: {id}: {error.Message}");
            if (!quiet && !json && interrupted == 0)
                console.Error.WriteLine($"[lessons] {i + 1}/{children.Count} {id}: {(result.ExitCode == 0 ? "done" : $"exit {result.ExitCode}")} in {result.Seconds:F1} s");
            if (exitCode == ExitCodes.Ok && result.ExitCode != ExitCodes.Ok) exitCode = result.ExitCode;
        }
        if (json) console.Out.WriteLine(array.ToJsonString(RunJson.Options));
        if (interrupted == 0) return exitCode;
        console.Error.WriteLine($"error: interrupted{(interruptedAt is null ? "" : $": {interruptedAt}")}; {finished} of {children.Count} lessons had finished, {interrupted} stopped or never started");
        return ExitCodes.Interrupted;
    }

    static JsonNode JsonResult(string id, ChildResult<string> result) =>
        result.Report is { Error: null, Payload: string payload } && JsonNode.Parse(payload) is JsonObject run
            ? run
            : new JsonObject { ["lesson"] = id, ["exit_code"] = result.ExitCode, ["error"] = result.Report.Error?.Message ?? "" };
}
