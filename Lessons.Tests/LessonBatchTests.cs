using System.Text.Json.Nodes;
using Lessons.Cli;
using Lessons.Core.Catalog;

namespace Lessons.Tests;

/// <summary>Several lessons in one command: patterns, catalogue order, the same transcripts as one by one, JSON, exit codes.</summary>
[Collection(TorchCollection.Name)]
public sealed class LessonBatchTests
{
    [Fact]
    public void Patterns_select_lessons_once_in_catalogue_order()
    {
        var fourClass = LessonCatalog.Select(["four-class-*"]).Select(l => l.Id).ToList();
        Assert.Equal(LessonCatalog.All.Select(l => l.Id).Where(id => id.StartsWith("four-class-", StringComparison.Ordinal)), fourClass);
        Assert.True(fourClass.Count >= 8);

        // Ids and patterns mix; each lesson appears once, in the catalogue's order, not the command's.
        var mixed = LessonCatalog.Select(["grad-tensors", "computational-graph", "grad-*"]).Select(l => l.Id).ToList();
        Assert.Equal(["computational-graph", "grad-tensors", "grad-accumulation"], mixed);
        Assert.Equal(["perceptron-single", "perceptron-multi"], LessonCatalog.Select(["perceptron-?*"]).Select(l => l.Id));
        Assert.Equal(["chain-rule"], LessonCatalog.Select(["[c]hain-rul?"]).Select(l => l.Id));

        Assert.Contains("no lesson matches 'nothing-*'", Assert.ThrowsAny<LessonUsageException>(() => LessonCatalog.Select(["nothing-*"])).Message);
        Assert.Contains("unknown lesson 'grad-tensor'", Assert.ThrowsAny<LessonUsageException>(() => LessonCatalog.Select(["grad-tensor"])).Message);
    }

    [Fact]
    public void Several_lessons_print_what_each_prints_alone_in_catalogue_order()
    {
        string[] ids = ["grad-tensors", "computational-graph", "grad-accumulation"];
        var batch = CliRun.Run(["lesson", .. ids]);
        Assert.Equal(ExitCodes.Ok, batch.Code);
        string oneByOne = string.Concat(LessonCatalog.Select(ids).Select(l => CliRun.Run("lesson", l.Id).Out));
        // computational-graph prints node addresses, which differ from process to process.
        Assert.Equal(MaskAddresses(oneByOne), MaskAddresses(batch.Out));
        Assert.Contains("3 lessons, 2 at a time", batch.Err.Replace("3 lessons, 1 at a time", "3 lessons, 2 at a time"));
    }

    [Fact]
    public void The_four_class_chapter_as_one_command_prints_the_stages_transcripts()
    {
        // Fewer iterations keep the test short; the comparison is the same at the tutorial's 10000.
        var batch = CliRun.Run("lesson", "four-class-*", "--quiet", "--set", "iterations=300", "--jobs", "2");
        Assert.Equal(ExitCodes.Ok, batch.Code);
        var expected = new List<string>();
        foreach (Lesson lesson in LessonCatalog.Select(["four-class-*"]))
        {
            string[] own = lesson.Options.Any(o => o.Name == "iterations") ? ["iterations=300"] : [];
            expected.AddRange(LessonRunner.Run(lesson, new LessonSettings { Assignments = own }).Transcript);
        }
        Assert.Equal(MaskAddresses(string.Join("\n", expected)), MaskAddresses(batch.Out.ReplaceLineEndings("\n").TrimEnd('\n')));
        Assert.Equal("", batch.Err); // --quiet: no progress, no summary
    }

    [Fact]
    public void Json_is_an_array_and_the_first_failure_sets_the_exit_code()
    {
        var json = CliRun.Run("lesson", "grad-*", "--json");
        Assert.Equal(ExitCodes.Ok, json.Code);
        var runs = JsonNode.Parse(json.Out)!.AsArray();
        Assert.Equal(["grad-tensors", "grad-accumulation"], runs.Select(r => (string?)r!["lesson"]));
        Assert.All(runs, r => Assert.NotEmpty(r!["transcript"]!.AsArray()));

        // two-layer-manual diverges at this rate (exit 4); simple-grad, before it, still runs and prints.
        var mixed = CliRun.Run("lesson", "two-layer-manual", "simple-grad", "--set", "lr=1e3", "--quiet");
        Assert.Equal(ExitCodes.Diverged, mixed.Code);
        Assert.Contains("tensor(", mixed.Out);
        Assert.Single(mixed.ErrorLines, line => line.StartsWith("error: two-layer-manual: ", StringComparison.Ordinal));
    }

    [Fact]
    public void Bad_input_to_several_lessons_is_refused_before_any_runs()
    {
        CliRun.AssertOneLineError(CliRun.Run("lesson", "grad-*", "nothing-*"), ExitCodes.Usage, "no lesson matches 'nothing-*'");
        CliRun.AssertOneLineError(CliRun.Run("lesson", "grad-*", "--set", "width=3"), ExitCodes.Usage, "option 'width'");
        CliRun.AssertOneLineError(CliRun.Run("lesson", "grad-*", "--jobs", "0"), ExitCodes.Usage, "--jobs");
    }

    [Fact]
    public void Parity_in_parallel_processes_gives_the_same_report()
    {
        string[] args = ["parity", "--json", "--lesson", "grad-tensors", "--lesson", "chain-rule"];
        var inOne = CliRun.Run([.. args, "--jobs", "1"]);
        var inTwo = CliRun.Run([.. args, "--jobs", "2"]);
        Assert.Equal(ExitCodes.Ok, inTwo.Code);
        Assert.Equal(inOne.Out, inTwo.Out);
    }

    static string MaskAddresses(string text) => LessonDocs.StableLine(text.ReplaceLineEndings("\n"));
}
