using System.Text.RegularExpressions;
using System.Text.Json.Nodes;
using Lessons.Cli;
using Lessons.Core.Catalog;
using Lessons.Core.Parity;
using Lessons.Core.Torch;
using Xunit.Abstractions;

namespace Lessons.Tests;

/// <summary>The learner-facing outputs: the docs page, --explain, --quiet, progress and the parity verdict.</summary>
[Collection(TorchCollection.Name)]
public sealed class DocsAndReportingTests(ITestOutputHelper output)
{
    static CliResult Run(params string[] args) => CliRun.Run(args);

    [Fact]
    public void Docs_page_matches_the_catalogue()
    {
        var runs = LessonCatalog.All.Select(l => CachedRuns.Get(l.Id)).ToList();
        IReadOnlyList<LessonDocs.DocsPage> pages = LessonDocs.Render(runs);
        CpuKernelInfo kernels = runs[0].Kernels;
        // Every page is checked, and no committed page is left over from an earlier course.
        Assert.Equal(pages.Select(p => p.RelativePath).Order(StringComparer.Ordinal), CoursePages.Committed());
        Assert.Equal(LessonDocs.RelativePath, pages[0].RelativePath);
        Assert.Equal(6, pages.Count); // the index and one page per tutorial
        foreach (LessonDocs.DocsPage page in pages)
        {
            string path = Path.Combine(CachedRuns.RepositoryRoot(), page.RelativePath);
            Assert.True(File.Exists(path), $"{page.RelativePath} is missing: run 'dotnet run --project Lessons.Cli -- docs'");
            string regenerated = page.Text;
            string committed = File.ReadAllText(path).ReplaceLineEndings("\n");

            // The pages were generated under the pinned reference kernels; only there must they match byte for byte.
            if (runs.All(r => r.Kernels.IsReference))
            {
                output.WriteLine($"{page.RelativePath}: exact (kernels {kernels})");
                Assert.True(regenerated == committed,
                    $"{page.RelativePath} is stale (compared exactly under the reference kernels {kernels}): run 'dotnet run --project Lessons.Cli -- docs' and commit it");
                continue;
            }

            // Other kernels (another architecture, --kernels native) print other last digits: the words
            // must still match, and the numbers within the tolerance measured between kernel sets.
            NumericTolerance tolerance = NumericTolerance.AcrossKernels;
            var differences = NumericTextComparison.Compare(committed, regenerated, tolerance);
            var beyond = differences.Where(d => !d.WithinTolerance).ToList();
            output.WriteLine($"{page.RelativePath}: numbers within {tolerance} (kernels {kernels} are not the reference's); {differences.Count - beyond.Count} lines differ within it");
            Assert.True(beyond.Count == 0,
                $"{page.RelativePath} differs beyond {tolerance} under kernels {kernels} (not the reference's, so digits were compared with a tolerance) on "
                + $"{beyond.Count} lines, first: {string.Join("; ", beyond.Take(5))}. If a lesson changed, regenerate it with 'dotnet run --project Lessons.Cli -- docs' on x86-64.");
        }
    }

    [Fact]
    public void A_lesson_run_in_its_own_process_gives_the_docs_the_same_section()
    {
        // What the docs command puts together from its parallel processes is what Render makes here.
        string folder = Path.Combine(Path.GetTempPath(), "docs-section-" + Guid.NewGuid().ToString("N"));
        try
        {
            // As the docs command's child: one envelope on stdout, the section its payload.
            var (code, output, error) = Run("docs-section", "computational-graph", "--figures", folder, ChildProtocol.Flag);
            Assert.Equal(ExitCodes.Ok, code);
            Envelope<string> report = ChildProtocol.Read<string>(output, code);
            Assert.Null(report.Error);
            Assert.Equal(LessonDocs.RunSection(CachedRuns.Get("computational-graph")), report.Payload);
            // Its graph picture and its backward animation.
            Assert.Equal([Path.Combine(folder, "computational-graph-graph.png"), Path.Combine(folder, "computational-graph-backward.gif")], report.Files);
            Assert.Empty(report.Notices);
            Assert.DoesNotContain("wrote files", error);
            Assert.True(File.Exists(Path.Combine(folder, "computational-graph-graph.png")));
            Assert.True(File.Exists(Path.Combine(folder, "computational-graph-backward.gif")));
        }
        finally
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void Every_figure_the_docs_show_is_committed()
    {
        string folder = Path.Combine(CachedRuns.RepositoryRoot(), LessonDocs.FigureFolder);
        foreach (Lesson lesson in LessonCatalog.All)
        {
            foreach (var figure in LessonDocs.DocFigures(CachedRuns.Get(lesson.Id)))
                Assert.True(File.Exists(Path.Combine(folder, figure.Name + ".png")), $"{LessonDocs.FigureFolder}/{figure.Name}.png is missing: run the docs command");
            if (LessonDocs.DocGraphPicture(CachedRuns.Get(lesson.Id)) is string graph)
                Assert.True(File.Exists(Path.Combine(folder, graph)), $"{LessonDocs.FigureFolder}/{graph} is missing: run the docs command (it needs Graphviz)");
        }
    }

    [Fact]
    public void Every_lesson_has_notes_and_the_docs_show_them()
    {
        string docs = CoursePages.Text(LessonDocs.Render(LessonCatalog.All.Select(l => CachedRuns.Get(l.Id))));
        foreach (Lesson lesson in LessonCatalog.All)
        {
            Assert.True(lesson.Notes.Length > 80, $"{lesson.Id}: notes too short to explain anything");
            Assert.Contains($"## {lesson.Id}\n", docs);
            Assert.Contains(LessonDocs.Paragraph(lesson.Notes), docs);
        }
    }

    [Fact]
    public void The_course_is_an_index_and_a_page_per_tutorial_in_order_with_long_transcripts_folded()
    {
        var runs = LessonCatalog.All.Select(l => CachedRuns.Get(l.Id)).ToList();
        IReadOnlyList<LessonDocs.DocsPage> pages = LessonDocs.Render(runs);
        string index = pages[0].Text;
        string[] tutorials = ["000", "001", "002", "003", "004"];
        Assert.Equal(tutorials.Select(t => $"docs/tutorial-{t}.md"), pages.Skip(1).Select(p => p.RelativePath));
        Assert.DoesNotContain("```text", index); // no lesson on the index, only links to them
        foreach (Lesson lesson in LessonCatalog.All)
            Assert.Contains($"(tutorial-{lesson.Source.File[..3]}.md#{lesson.Id})", index);

        for (int i = 0; i < tutorials.Length; i++)
        {
            string chapter = pages[i + 1].Text;
            Assert.StartsWith($"# Tutorial {tutorials[i]}\n", chapter);
            Assert.Contains("[the course](lessons.md)", chapter);
            if (i > 0) Assert.Contains($"[← tutorial {tutorials[i - 1]}](tutorial-{tutorials[i - 1]}.md)", chapter);
            else Assert.DoesNotContain("[← tutorial", chapter);
            if (i + 1 < tutorials.Length) Assert.Contains($"[tutorial {tutorials[i + 1]} →](tutorial-{tutorials[i + 1]}.md)", chapter);
            else Assert.DoesNotContain(" →](", chapter);
        }

        string all = CoursePages.Text(pages);
        foreach (LessonRun run in runs)
        {
            string section = Regex.Match(all, $"^## {Regex.Escape(run.Lesson.Id)}\n(.*?)(?=^## |\\z)", RegexOptions.Singleline | RegexOptions.Multiline).Groups[1].Value;
            string[] lines = run.Transcript.Select(LessonDocs.StableLine).ToArray();
            string[] Block(Match m) => m.Groups[1].Value.TrimEnd('\n').Split('\n');
            Match first = Regex.Match(section, "```text\n(.*?)```", RegexOptions.Singleline);
            if (lines.Length <= 40)
            {
                Assert.DoesNotContain("<details>", section);
                Assert.Equal(lines, Block(first));
                continue;
            }
            // Above: its first and last five lines; below, folded: all of them.
            Assert.Equal([.. lines[..5], "…", .. lines[^5..]], Block(first));
            Match whole = Regex.Match(section, $"<details>\n<summary>All {lines.Length} lines</summary>\n\n```text\n(.*?)```\n\n</details>", RegexOptions.Singleline);
            Assert.True(whole.Success, $"{run.Lesson.Id}: {lines.Length} lines, not folded");
            Assert.Equal(lines, Block(whole));
        }
        Assert.True(runs.Single(r => r.Lesson.Id == "two-layer-manual").Transcript.Count > 40);
    }

    [Fact]
    public void Explain_prints_the_notes_and_options_before_the_transcript()
    {
        var (code, output, _) = Run("lesson", "grad-accumulation", "--explain");
        Assert.Equal(0, code);
        int notes = output.IndexOf("Each backward adds to .grad", StringComparison.Ordinal);
        int option = output.IndexOf("--set iterations=<integer>  (default 4)", StringComparison.Ordinal);
        int transcript = output.IndexOf("tensor([5.])", StringComparison.Ordinal);
        Assert.True(notes >= 0 && option > notes && transcript > option, output);
    }

    [Fact]
    public void Quiet_prints_only_the_transcript()
    {
        var (code, output, error) = Run("lesson", "grad-tensors", "--quiet");
        Assert.Equal(0, code);
        Assert.Equal("tensor([6., 5.], grad_fn=<CatBackward0>)\ntensor([9.])\n", output.ReplaceLineEndings("\n"));
        Assert.Equal("", error);
    }

    [Fact]
    public void Redirected_progress_is_a_few_plain_lines()
    {
        var stderr = new StringWriter();
        var console = new CliConsole(TextWriter.Null, stderr, Interactive: false);
        int result = ProgressDisplay.Run(console, "demo", quiet: false, (progress, _) =>
        {
            for (int step = 0; step <= 100000; step++) progress!.Report(new LessonProgress("training", step, 100000));
            return 7;
        });
        Assert.Equal(7, result);
        string[] lines = stderr.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.InRange(lines.Length, 1, 11);
        Assert.StartsWith("[demo] training: 0/100000 (0%)", lines[0]);
        Assert.DoesNotContain('\u001b', stderr.ToString()); // no colour escapes when redirected
    }

    [Fact]
    public void Parity_gives_one_verdict_and_a_table()
    {
        var (code, output, _) = Run("parity", "--json", "--lesson", "grad-tensors", "--lesson", "second-derivative");
        JsonNode json = JsonNode.Parse(output)!;
        var lessons = json["lessons"]!.AsArray();
        Assert.Equal(["grad-tensors", "second-derivative"], lessons.Select(l => (string?)l!["lesson"]));
        Assert.True((bool)json["passed"]!, output);
        Assert.Equal(ExitCodes.Ok, code);
        Assert.All(lessons, l => Assert.NotEmpty(l!["values"]!.AsArray()));

        var table = Run("parity", "--lesson", "grad-tensors");
        Assert.Equal(ExitCodes.Ok, table.Code);
        Assert.Contains("parity: all 5 documented values of 1 lessons match", table.Out);
    }

    [Fact]
    public void Parity_fails_when_a_documented_value_is_not_reproduced()
    {
        string folder = Path.Combine(Path.GetTempPath(), "expected-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        try
        {
            File.WriteAllText(Path.Combine(folder, "grad-tensors.json"),
                """{ "lesson": "grad-tensors", "values": [ { "result": "w.grad", "expected": [9.5], "source": "a deliberately wrong value" } ] }""");
            var (code, output, _) = Run("parity", "--lesson", "grad-tensors", "--lesson", "simple-grad", "--expected", folder);
            Assert.Equal(ExitCodes.Failed, code);
            Assert.Matches(@"grad-tensors\s+w\.grad\s+\[9\.5\]\s+\[9\]\s+exact\s+FAIL", output);
            Assert.Contains($"FAIL: no expected file {Path.Combine(folder, "simple-grad.json")}", output); // the folder asked for
            Assert.Contains("parity: 1 of 1 documented values failed, and 1 of 2 lessons could not be checked; 2 of 2 lessons fail", output);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void Bench_measures_a_lesson_and_writes_its_report()
    {
        // Not a timed test: it checks that the benchmark runs and reports, not how fast.
        string json = Path.Combine(Path.GetTempPath(), "bench-" + Guid.NewGuid().ToString("N") + ".json");
        try
        {
            var (code, output, _) = Run("bench", "--runs", "1", "--lesson", "grad-tensors", "--json", json);
            Assert.Equal(ExitCodes.Ok, code);
            Assert.Contains("| grad-tensors |", output);
            JsonNode report = JsonNode.Parse(File.ReadAllText(json))!;
            JsonNode lesson = Assert.Single(report["lessons"]!.AsArray())!;
            Assert.Equal("grad-tensors", (string?)lesson["Lesson"]);
            Assert.True((double)lesson["WholeProcessMedianSeconds"]! > 0);
            Assert.True((double)lesson["WholeProcessNativeMedianSeconds"]! > 0); // the cost of pinning: the same lesson with --kernels native
            Assert.InRange((double)lesson["PeakResidentMegabytes"]!, 20, 5000); // a real process's resident set
            var targets = report["targets"]!.AsArray();
            Assert.Contains(targets, t => (string?)t!["Name"] == "himmelblau from [0, 0], in-process" && (string?)t["Measured"] == "not measured");
        }
        finally
        {
            File.Delete(json);
        }
    }
}
