using Lessons.Core.Catalog;

namespace Lessons.Tests;

public sealed class CatalogTests
{
    [Fact]
    public void The_catalogue_holds_the_seed_001_lessons_in_tutorial_order()
    {
        var ids = LessonCatalog.All.Select(l => l.Id).ToList();
        string[] seed001 =
        [
            "computational-graph", "static-and-dynamic-graphs", "retain-graph", "grad-tensors", "second-derivative",
            "grad-accumulation", "requires-grad-propagation", "inplace-ops",
        ];
        Assert.Equal(seed001, ids.Where(seed001.Contains));
    }

    [Fact]
    public void Every_lesson_cites_a_tutorial_that_exists()
    {
        string? seeds = FindSharedSeeds();
        foreach (Lesson lesson in LessonCatalog.All)
        {
            Assert.False(string.IsNullOrWhiteSpace(lesson.Title), lesson.Id);
            Assert.Matches(@"^\d{3}_[0-9a-f]{16}\.txt$", lesson.Source.File);
            if (seeds is not null)
                Assert.True(File.Exists(Path.Combine(seeds, lesson.Source.File)), $"{lesson.Id}: {lesson.Source.File} not in {seeds}");
        }
    }

    [SkippableFact]
    public void Every_heading_is_the_tutorials_own_words()
    {
        // A heading quotes its tutorial; the notebook of 004 is located by its cells, "In[13]" or
        // "In[13]-In[16]" before the words, and a trailing "(numpy)" only says which program.
        string? seeds = FindSharedSeeds();
        Skip.If(seeds is null, SeedsMissingReason);
        foreach (Lesson lesson in LessonCatalog.All)
        {
            string text = Squeeze(File.ReadAllText(Path.Combine(seeds, lesson.Source.File)));
            string heading = lesson.Source.Heading;
            var cells = System.Text.RegularExpressions.Regex.Match(heading, @"^In\[(\d+)\](?:-In\[(\d+)\])? ");
            if (cells.Success)
            {
                foreach (var cell in cells.Groups.Values.Skip(1).Where(g => g.Success))
                    Assert.True(text.Contains($"In [{cell.Value}]", StringComparison.Ordinal) || text.Contains($"In[{cell.Value}]", StringComparison.Ordinal),
                        $"{lesson.Id}: no cell In[{cell.Value}] in {lesson.Source.File}");
                heading = heading[cells.Length..];
            }
            heading = System.Text.RegularExpressions.Regex.Replace(heading, @" \([a-z]+\)$", "");
            Assert.True(text.Contains(Squeeze(heading), StringComparison.Ordinal), $"{lesson.Id}: heading \"{heading}\" is not in {lesson.Source.File}");
        }

        static string Squeeze(string s) => System.Text.RegularExpressions.Regex.Replace(s, @"\s+", " ");
    }

    [Fact]
    public void Unknown_lessons_are_answered_with_the_closest_ids()
    {
        var error = Assert.ThrowsAny<LessonUsageException>(() => LessonCatalog.Get("computational-graf"));
        Assert.Contains("computational-graph", error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void Cores_errors_name_no_command_or_flag()
    {
        // The command line words them (with 'list', --set, --device, --seed); Core only says what is wrong.
        Exception[] errors =
        [
            Assert.Throws<UnknownLessonException>(() => LessonCatalog.Get("computational-graf")),
            Assert.Throws<NoLessonMatchesException>(() => LessonCatalog.Select(["nothing-*"])),
            Assert.Throws<BadAssignmentException>(() => LessonRunner.ParseOptions(LessonCatalog.Get("grad-accumulation"), ["iterations"])),
            Assert.Throws<BadDeviceException>(() => Lessons.Core.Torch.DeviceChoice.Parse("gpu")),
        ];
        Assert.Equal(["computational-graph"], ((UnknownLessonException)errors[0]).Closest.Take(1));
        foreach (Exception error in errors)
        {
            Assert.DoesNotContain("--", error.Message);
            Assert.DoesNotContain("'list'", error.Message);
        }
    }

    [Fact]
    public void Option_assignments_are_parsed_and_checked()
    {
        Lesson lesson = LessonCatalog.Get("grad-accumulation");
        Assert.Equal(7, LessonRunner.ParseOptions(lesson, ["iterations=7"])["iterations"]);
        Assert.Equal(4, LessonRunner.ParseOptions(lesson, [])["iterations"]);
        Assert.Contains("valid options: iterations",
            Assert.Throws<LessonUsageException>(() => LessonRunner.ParseOptions(lesson, ["steps=3"])).Message);
        Assert.Contains("'iterations'",
            Assert.Throws<LessonUsageException>(() => LessonRunner.ParseOptions(lesson, ["iterations=many"])).Message);
        Assert.Contains("at least 1",
            Assert.Throws<LessonUsageException>(() => LessonRunner.ParseOptions(lesson, ["iterations=0"])).Message);
        Assert.Contains("name=value",
            Assert.ThrowsAny<LessonUsageException>(() => LessonRunner.ParseOptions(lesson, ["iterations"])).Message);
    }

    // ../shared/seeds beside the checkout, where the tutorials live (present in CI).
    const string SeedsMissingReason = "the tutorials (shared/seeds beside the checkout) are not on this machine";

    static string? FindSharedSeeds()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "shared", "seeds");
            if (Directory.Exists(candidate)) return candidate;
        }
        return null;
    }
}
