using Lessons.Core.Catalog;
using Lessons.Core.Parity;

namespace Lessons.Tests;

/// <summary>Every lesson in the catalogue reproduces the values in its data/expected file.</summary>
[Collection(TorchCollection.Name)]
public sealed class ParityTests
{
    public static TheoryData<string> LessonIds => new(LessonCatalog.All.Select(l => l.Id));

    [Theory]
    [MemberData(nameof(LessonIds))]
    public void Lesson_reproduces_its_documented_values(string id)
    {
        string path = ExpectedFile.PathFor(id);
        Assert.True(File.Exists(path), $"lesson '{id}' has no expected file at data/expected/{id}.json");
        ExpectedFile expected = ExpectedFile.Load(path);
        Assert.Equal(id, expected.Lesson);
        Assert.NotEmpty(expected.Values);

        LessonRun run = CachedRuns.Get(id);
        var failures = ParityCheck.Compare(run, expected)
            .Where(o => !o.Passed)
            .Select(o => $"{o.Value.Label}: expected {o.Expected} ({o.Tolerance}), got {o.Actual}  [{o.Value.Source}]")
            .ToList();
        Assert.True(failures.Count == 0,
            "parity failures:\n" + string.Join("\n", failures) + "\ntranscript:\n" + string.Join("\n", run.Transcript));
    }

    [Fact]
    public void Every_expected_file_names_a_lesson_of_the_catalogue()
    {
        var ids = LessonCatalog.All.Select(l => l.Id).ToHashSet();
        var files = Directory.GetFiles(ExpectedFile.DefaultDirectory, "*.json");
        Assert.NotEmpty(files);
        foreach (string file in files)
        {
            ExpectedFile expected = ExpectedFile.Load(file);
            Assert.Contains(expected.Lesson, ids);
            Assert.Equal(Path.GetFileNameWithoutExtension(file), expected.Lesson);
            Assert.All(expected.Values, v => Assert.False(string.IsNullOrWhiteSpace(v.Source)));
        }
    }

    [Fact]
    public void A_wrong_expected_value_fails_the_comparison()
    {
        // The checker itself must be able to fail: the same lesson against a wrong value.
        LessonRun run = CachedRuns.Get("grad-tensors");
        var wrong = new ExpectedFile("grad-tensors",
        [
            new ExpectedValue { Result = "w.grad", Expected = System.Text.Json.Nodes.JsonNode.Parse("[9.5]"), Source = "test" },
            new ExpectedValue { Line = "tensor([9.5])", Source = "test" },
            new ExpectedValue { Result = "no such result", Expected = System.Text.Json.Nodes.JsonNode.Parse("1"), Source = "test" },
        ]);
        Assert.All(ParityCheck.Compare(run, wrong), o => Assert.False(o.Passed));
    }
}
