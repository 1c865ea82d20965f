using System.CommandLine;
using System.Text.Json;
using Lessons.Core.Catalog;
using Lessons.Core.Parity;

namespace Lessons.Cli;

/// <summary>
/// <c>parity</c>: runs every lesson and compares it with data/expected, the same files and the same
/// comparison as the tests; one table and one verdict (exit 0 only if every value passes).
/// </summary>
public static class ParityCommand
{
    public static Command Create(CliConsole console)
    {
        var json = new Option<bool>("--json") { Description = "Print the verdicts as one JSON object." };
        var only = new Option<string[]>("--lesson") { Description = "Only these lessons (repeatable); all by default.", Arity = ArgumentArity.ZeroOrMore };
        var expected = new Option<string?>("--expected") { Description = "The folder of expected files (default: data/expected beside the program)." };
        LessonsCommandLine.RequireValue(only, "computational-graph");
        var command = new Command("parity", "Run every lesson and check each documented value.") { json, only, expected };
        var jobs = LessonBatch.JobsOption("How many lessons run at once, each in its own process (default: one per core, as memory allows).");
        command.Add(jobs);
        command.SetAction(parsed => LessonsCommandLine.Guarded(console, () =>
        {
            string[] chosen = parsed.GetValue(only) ?? [];
            var lessons = chosen.Length == 0 ? LessonCatalog.All.ToList() : LessonCatalog.Select(chosen).ToList();
            string? folder = parsed.GetValue(expected);
            if (folder is not null && File.Exists(folder))
                throw new LessonUsageException($"--expected '{folder}': it is a file, not a folder");
            if (folder is not null && !Directory.Exists(folder))
                throw new LessonUsageException($"--expected: no folder '{folder}'");
            // Every expected file is read before any lesson runs: a corrupt one is named with its line at once.
            foreach (Lesson lesson in lessons)
                if (ExpectedFile.PathFor(lesson.Id, folder) is var file && File.Exists(file))
                {
                    try
                    {
                        ExpectedFile.Load(file);
                    }
                    catch (InvalidDataException e) when (folder is not null)
                    {
                        throw new LessonUsageException($"--expected: {e.Message}");
                    }
                }
            int workers = Math.Min(parsed.GetValue(jobs) ?? LessonBatch.DefaultJobs(lessons.Count), lessons.Count);
            List<ParityVerdict> verdicts = workers > 1
                ? InChildren(console, lessons, folder, workers)
                : lessons.Select(lesson => ParityVerdict.From(ProgressDisplay.Run(console, lesson.Id, parsed.GetValue(json), (progress, _) =>
                    ParityReport.Check(lesson, console.Settings with { Progress = progress }, folder)))).ToList();
            if (console.Report is not null) console.Report.Payload = verdicts;
            else if (parsed.GetValue(json)) console.Out.WriteLine(Json(verdicts));
            else WriteTable(console.Out, verdicts);
            return verdicts.All(v => v.Passed) ? ExitCodes.Ok : ExitCodes.Failed;
        }));
        return command;
    }

    /// <summary>
    /// The same check, each lesson in a process of its own, several at a time (libtorch's generator
    /// is process-global); each child's payload is its verdict, collected in catalogue order.
    /// </summary>
    static List<ParityVerdict> InChildren(CliConsole console, List<Lesson> lessons, string? folder, int workers)
    {
        var runs = SelfProcess.RunAll<List<ParityVerdict>>(lessons.Select(lesson =>
        {
            var args = new List<string> { "parity", "--jobs", "1", "--lesson", lesson.Id };
            if (folder is not null) args.AddRange(["--expected", Path.GetFullPath(folder)]);
            return (IReadOnlyList<string>)args;
        }), workers, console);
        var verdicts = new List<ParityVerdict>();
        for (int i = 0; i < lessons.Count; i++)
        {
            Envelope<List<ParityVerdict>> report = runs[i].GetAwaiter().GetResult().Report;
            if (report.Error?.ExitCode == ExitCodes.Interrupted) throw new LessonInterruptedException($"interrupted while checking {lessons[i].Id}");
            verdicts.Add(report.Payload is [ParityVerdict verdict]
                ? verdict
                : new ParityVerdict(lessons[i].Id, $"the check exited {report.Error?.ExitCode}: {report.Error?.Message}", []));
        }
        return verdicts;
    }

    static void WriteTable(TextWriter output, List<ParityVerdict> verdicts)
    {
        var rows = new List<string[]> { new[] { "lesson", "value", "documented", "port", "tolerance", "verdict" } };
        foreach (ParityVerdict verdict in verdicts)
        {
            if (verdict.Problem is not null)
                rows.Add([verdict.Lesson, "-", "-", "-", "-", "FAIL: " + verdict.Problem]);
            foreach (ParityRow o in verdict.Values)
                rows.Add([verdict.Lesson, Cut(o.Value, 36), Cut(o.Documented, 30), Cut(o.Port, 30), o.Tolerance, o.Passed ? "pass" : "FAIL"]);
        }
        int[] widths = Enumerable.Range(0, 6).Select(c => rows.Max(r => r[c].Length)).ToArray();
        foreach (string[] row in rows)
            output.WriteLine(string.Join("  ", row.Select((cell, c) => c == 5 ? cell : cell.PadRight(widths[c]))).TrimEnd());
        int values = verdicts.Sum(v => v.Values.Count);
        int failed = verdicts.Sum(v => v.Values.Count(o => !o.Passed));
        int unchecked_ = verdicts.Count(v => v.Problem is not null);
        output.WriteLine();
        // A lesson that could not be checked (no expected file, a diverged run) is counted as a lesson, not as a value.
        var wrong = new List<string>();
        if (failed > 0) wrong.Add($"{failed} of {values} documented values failed");
        if (unchecked_ > 0) wrong.Add($"{unchecked_} of {verdicts.Count} lessons could not be checked");
        output.WriteLine(wrong.Count == 0
            ? $"parity: all {values} documented values of {verdicts.Count} lessons match"
            : $"parity: {string.Join(", and ", wrong)}; {verdicts.Count(v => !v.Passed)} of {verdicts.Count} lessons fail");
    }

    static string Cut(string text, int width)
    {
        text = text.ReplaceLineEndings(" ");
        return text.Length <= width ? text : text[..(width - 1)] + "…";
    }

    static string Json(List<ParityVerdict> verdicts) => JsonSerializer.Serialize(new
    {
        passed = verdicts.All(v => v.Passed),
        lessons = verdicts.Select(v => new
        {
            lesson = v.Lesson,
            passed = v.Passed,
            problem = v.Problem,
            values = v.Values.Select(o => new
            {
                value = o.Value,
                documented = o.Documented,
                port = o.Port,
                tolerance = o.Tolerance,
                passed = o.Passed,
                source = o.Source,
            }),
        }),
    }, RunJson.Options);
}
