using Lessons.Core.Catalog;
using Lessons.Core.Code;

namespace Lessons.Tests;

/// <summary>
/// A lesson file reads like its tutorial cell: it opens with its id, title and section and then
/// Run (within its first 25 lines), and Run holds at most three lines of bookkeeping (lines
/// that record, observe or check for the framework, <see cref="LessonShape.BookkeepingCalls"/>).
/// </summary>
public sealed class LessonShapeTests
{
    [Fact]
    public void Every_lesson_file_opens_with_Run_and_keeps_bookkeeping_to_three_lines()
    {
        var lessons = LessonCatalog.All.ToList();
        Assert.Equal(33, lessons.Count);
        var late = lessons.Select(l => (l.Id, Line: LessonShape.RunLine(LessonSources.RunOf(l)))).Where(l => l.Line > 25).ToList();
        var heavy = lessons.Select(l => (l.Id, Lines: LessonShape.BookkeepingLines(LessonSources.RunOf(l)))).Where(l => l.Lines.Count > 3)
            .Select(l => $"{l.Id}: {string.Join(" | ", l.Lines)}").ToList();
        Assert.True(late.Count == 0, "Run starts after line 25: " + string.Join(", ", late));
        Assert.True(heavy.Count == 0, "more than 3 bookkeeping lines: " + string.Join("\n", heavy));
    }

    [Fact]
    public void The_measures_count_what_they_say()
    {
        // The control: a Run on line 27 with four lines of records, one of them a helper named Record….
        string source = string.Concat(Enumerable.Repeat("// a line before\n", 26)) + """
            public override void Run(LessonContext context)
            {
                var y = torch.mul(a, b);
                context.RecordGraph("y", y, ("w", w));
                y.backward();
                context.Print(w.grad);
                context.Record("is_leaf", w.is_leaf);
                context.Record(("a", a), ("b", b));
                RecordRest(context, y);
                if (context.Step is null) context.EnsureFinite(1.0, "loss", 0, "lower lr"); context.Keep(y);
            }
            """;
        var run = LessonShape.RunIn("class L {\n" + source + "\n}");
        Assert.Equal(28, LessonShape.RunLine(run));
        Assert.Equal(5, LessonShape.BookkeepingLines(run).Count);
        Assert.DoesNotContain(LessonShape.BookkeepingLines(run), l => l.Contains("Print", StringComparison.Ordinal));
    }

    [Fact]
    public void Every_lesson_has_its_notes_beside_it_as_markdown()
    {
        foreach (Lesson lesson in LessonCatalog.All)
        {
            string file = LessonSources.FileOf(lesson);
            Assert.EndsWith(lesson.GetType().Name + ".cs", file);
            Assert.True(lesson.Notes.Length > 80, $"{lesson.Id}: notes missing or too short");
            Assert.DoesNotContain("override string Notes", LessonSources.For(lesson).Text);
        }
    }
}
