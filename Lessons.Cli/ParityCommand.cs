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
        command.SetAction(parsed => LessonsCommandLine.Guarded(console, () =>
        {
            string[] chosen = parsed.GetValue(only) ?? [];
            var lessons = chosen.Length == 0 ? LessonCatalog.All.ToList() : chosen.Select(LessonCatalog.Get).ToList();
            string? folder = parsed.GetValue(expected);
            if (folder is not null && !Directory.Exists(folder))
                throw new LessonUsageException($"--expected: no folder '{folder}'");
            var verdicts = new List<LessonParity>();
            foreach (Lesson lesson in lessons)
                verdicts.Add(ProgressDisplay.Run(console, lesson.Id, parsed.GetValue(json), (progress, _) =>
                    ParityReport.Check(lesson, new LessonSettings { Progress = progress, Interrupt = console.Interrupt }, folder)));
            if (parsed.GetValue(json)) console.Out.WriteLine(Json(verdicts));
            else WriteTable(console.Out, verdicts);
            return verdicts.All(v => v.Passed) ? ExitCodes.Ok : ExitCodes.Failed;
        }));
        return command;
    }

    static void WriteTable(TextWriter output, List<LessonParity> verdicts)
    {
        var rows = new List<string[]> { new[] { "lesson", "value", "documented", "port", "tolerance", "verdict" } };
        foreach (LessonParity verdict in verdicts)
        {
            if (verdict.Problem is not null)
                rows.Add([verdict.Lesson.Id, "-", "-", "-", "-", "FAIL: " + verdict.Problem]);
            foreach (ParityOutcome o in verdict.Outcomes)
                rows.Add([verdict.Lesson.Id, Cut(o.Value.Label, 36), Cut(o.Expected, 30), Cut(o.Actual, 30), o.Value.ToleranceText, o.Passed ? "pass" : "FAIL"]);
        }
        int[] widths = Enumerable.Range(0, 6).Select(c => rows.Max(r => r[c].Length)).ToArray();
        foreach (string[] row in rows)
            output.WriteLine(string.Join("  ", row.Select((cell, c) => c == 5 ? cell : cell.PadRight(widths[c]))).TrimEnd());
        int values = verdicts.Sum(v => v.Outcomes.Count);
        int failed = verdicts.Sum(v => v.Outcomes.Count(o => !o.Passed)) + verdicts.Count(v => v.Problem is not null);
        output.WriteLine();
        output.WriteLine(failed == 0
            ? $"parity: all {values} documented values of {verdicts.Count} lessons match"
            : $"parity: {failed} of {values} checks failed in {verdicts.Count(v => !v.Passed)} of {verdicts.Count} lessons");
    }

    static string Cut(string text, int width)
    {
        text = text.ReplaceLineEndings(" ");
        return text.Length <= width ? text : text[..(width - 1)] + "…";
    }

    static string Json(List<LessonParity> verdicts) => JsonSerializer.Serialize(new
    {
        passed = verdicts.All(v => v.Passed),
        lessons = verdicts.Select(v => new
        {
            lesson = v.Lesson.Id,
            passed = v.Passed,
            problem = v.Problem,
            values = v.Outcomes.Select(o => new
            {
                value = o.Value.Label,
                documented = o.Expected,
                port = o.Actual,
                tolerance = o.Value.ToleranceText,
                passed = o.Passed,
                source = o.Value.Source,
            }),
        }),
    }, RunJson.Options);
}
