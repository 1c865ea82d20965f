using System.Text.Json.Nodes;
using Lessons.Cli;
using Lessons.Core.Catalog;

namespace Lessons.Tests;

/// <summary>The command line, in process: its output, its JSON, and one clear line for each bad input.</summary>
[Collection(TorchCollection.Name)]
public sealed class CliTests
{
    static CliResult Run(params string[] args) => CliRun.Run(args);

    static void AssertOneLineError(CliResult result, int code, params string[] mentions) =>
        CliRun.AssertOneLineError(result, code, mentions);

    [Fact]
    public void List_shows_every_lesson_with_its_title_and_source()
    {
        var (code, output, _) = Run("list");
        Assert.Equal(0, code);
        foreach (Lesson lesson in LessonCatalog.All)
        {
            string line = output.Split('\n').Single(l => l.StartsWith(lesson.Id + " ", StringComparison.Ordinal));
            Assert.Contains(lesson.Title, line);
            Assert.Contains(lesson.Source.File, line);
        }
    }

    [Fact]
    public void A_lesson_prints_the_tutorials_lines()
    {
        var (code, output, _) = Run("lesson", "computational-graph");
        Assert.Equal(0, code);
        string[] lines = output.Split('\n');
        Assert.Equal("tensor([5.])", lines[1]);
        Assert.Equal(" True True False False False", lines[3]);
    }

    [Fact]
    public void Json_gives_one_object_with_results_and_transcript()
    {
        var (code, output, _) = Run("lesson", "grad-accumulation", "--json", "--set", "iterations=3");
        Assert.Equal(0, code);
        JsonNode json = JsonNode.Parse(output)!;
        Assert.Equal("grad-accumulation", (string?)json["lesson"]);
        Assert.Equal("cpu", (string?)json["device"]);
        Assert.Equal(3, (int)json["options"]!["iterations"]!);
        Assert.Equal([5.0, 10.0, 15.0], json["results"]!["w.grad without zero_"]!.AsArray().Select(n => (double)n!));
        Assert.Contains("tensor([15.])", json["transcript"]!.AsArray().Select(n => (string?)n));
        Assert.Null(json["seed"]); // this lesson draws nothing at random
    }

    [Fact]
    public void Seed_override_is_reported() =>
        Assert.Equal(7, (long)JsonNode.Parse(Run("lesson", "retain-graph", "--json", "--seed", "7").Out)!["seed"]!);

    [Fact]
    public void Unknown_lesson_names_the_closest_ids() =>
        AssertOneLineError(Run("lesson", "computational-graf"), ExitCodes.Usage, "unknown lesson 'computational-graf'", "computational-graph");

    [Fact]
    public void Unknown_option_lists_the_valid_ones() =>
        AssertOneLineError(Run("lesson", "grad-accumulation", "--set", "lr=0.1"), ExitCodes.Usage, "'lr'", "valid options: iterations");

    [Fact]
    public void Bad_option_value_says_which_and_why() =>
        AssertOneLineError(Run("lesson", "grad-accumulation", "--set", "iterations=-2"), ExitCodes.Usage, "'iterations'", "at least 1");

    [Fact]
    public void Malformed_set_is_a_usage_error() =>
        AssertOneLineError(Run("lesson", "grad-accumulation", "--set", "iterations"), ExitCodes.Usage, "name=value");

    [Fact]
    public void Bad_device_is_a_usage_error() =>
        AssertOneLineError(Run("lesson", "grad-tensors", "--device", "gpu"), ExitCodes.Usage, "'gpu'", "cpu, cuda or cuda:N");

    [Fact]
    public void Bad_seed_is_a_usage_error() =>
        AssertOneLineError(Run("lesson", "grad-tensors", "--seed", "abc"), ExitCodes.Usage, "abc");

    [Fact]
    public void Unknown_command_is_a_usage_error() =>
        AssertOneLineError(Run("lessen"), ExitCodes.Usage);

    [SkippableFact]
    public void Cuda_in_a_cpu_build_names_the_cause_and_the_cuda_build()
    {
        Skip.If(Lessons.Core.Torch.TorchNative.IsCudaBuild, "this check is for the default CPU build; this is the CUDA build");
        AssertOneLineError(Run("lesson", "grad-tensors", "--device", "cuda"), ExitCodes.DeviceUnavailable, "CPU build", "TorchBackend=cuda");
        AssertOneLineError(Run("lesson", "grad-tensors", "--device", "cuda:3"), ExitCodes.DeviceUnavailable, "cuda:3", "CPU build");
    }
}
