using Lessons.Core.Catalog;
using Lessons.Core.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Lessons.Tests;

/// <summary>The fast paths give the plain paths' numbers to the last bit.</summary>
[Collection(TorchCollection.Name)]
public sealed class FastPathTests
{
    [Fact]
    public void LeanAdam_updates_exactly_as_torch_optim_Adam()
    {
        torch.manual_seed(3);
        var target = torch.randn(5, 3);
        var start = torch.randn(5, 3);
        var reference = new Parameter(start.clone());
        var lean = new Parameter(start.clone());
        using var adam = torch.optim.Adam([reference], lr: 0.01);
        using var leanAdam = new LeanAdam(lean, 0.01);
        for (int step = 0; step < 300; step++)
        {
            using var scope = torch.NewDisposeScope();
            adam.zero_grad();
            (reference - target).pow(4).sum().backward();
            adam.step();
            lean.grad = null;
            (lean - target).pow(4).sum().backward();
            leanAdam.Step();
        }
        Assert.Equal(reference.detach().data<float>().ToArray(), lean.detach().data<float>().ToArray());
        Assert.NotEqual(start.data<float>().ToArray(), reference.detach().data<float>().ToArray()); // it moved
    }

    [Fact]
    public void Himmelblau_batched_prints_and_records_what_the_tutorials_loop_does()
    {
        var settings = (string batched) => new LessonSettings { Assignments = ["steps=3000", "log_every=500", $"batched={batched}"] };
        LessonRun together = LessonRunner.Run("himmelblau", settings("true"));
        LessonRun alone = LessonRunner.Run("himmelblau", settings("false"));
        Assert.Equal(alone.Transcript, together.Transcript);
        foreach (var (name, value) in alone.Results)
            Assert.Equal(value, together.Results[name]);
        Assert.Contains(alone.Transcript, line => line.StartsWith("step2000:x=", StringComparison.Ordinal));
        Assert.Equal(4, alone.Transcript.Count(line => line.StartsWith("step2500:x=", StringComparison.Ordinal)));
    }

    // Far enough for every stage to leave its start (four-class-raw leaves its plateau near 3800 at
    // alpha 0.5; at alpha 2 sooner), short enough to run each stage twice.
    [Theory]
    [InlineData("four-class-raw", "iterations=1500")]
    [InlineData("four-class-raw", "iterations=1500", "alpha=2")]
    [InlineData("four-class-raw", "iterations=300", "alpha=0.3", "n=50", "var=0.8")]
    [InlineData("four-class-optimizer", "iterations=1500", "alpha=2")]
    [InlineData("four-class-module", "iterations=1500", "alpha=2")]
    [InlineData("four-class-weighted-sum", "iterations=1500")]
    [InlineData("four-class-my-layer", "iterations=1500", "alpha=2")]
    [InlineData("four-class-sequential", "iterations=1500")]
    [InlineData("four-class-sequential", "iterations=600", "alpha=1.5", "topology=[2,5,3,4]")]
    [InlineData("four-class-linear-sigmoid", "iterations=1500")]
    [InlineData("four-class-linear-sigmoid", "iterations=600", "topology=[2,1,6,4]")]
    public void Four_class_fast_path_prints_and_records_what_the_tutorials_loop_does(string id, params string[] assignments)
    {
        LessonRun fast = LessonRunner.Run(id, new LessonSettings { Assignments = [.. assignments, "fast=true"] });
        LessonRun loop = LessonRunner.Run(id, new LessonSettings { Assignments = [.. assignments, "fast=false"] });
        Assert.Equal(loop.Transcript, fast.Transcript);
        Assert.Equal(loop.Results.Keys.Order(), fast.Results.Keys.Order());
        foreach (var (name, value) in loop.Results)
            Assert.Equal(value, fast.Results[name]);
        var losses = (List<object?>)loop.Results["loss"]!;
        Assert.NotEqual(losses[0], losses[^1]);   // it trained
    }

    // At the tutorial's settings (the shared cached run is the fast path, the default): one stage per
    // kind of layer (A·W + b, [A 1]·W with the softmax, nn.Linear), every iteration's loss compared.
    [Theory]
    [InlineData("four-class-raw")]
    [InlineData("four-class-my-layer")]
    [InlineData("four-class-linear-sigmoid")]
    public void Four_class_fast_path_matches_the_tutorials_loop_over_all_iterations(string id)
    {
        LessonRun fast = CachedRuns.Get(id);
        Assert.True((bool)fast.Options["fast"]);
        LessonRun loop = LessonRunner.Run(id, new LessonSettings { Assignments = ["fast=false"] });
        Assert.Equal(loop.Transcript, fast.Transcript);
        foreach (var (name, value) in loop.Results)
            Assert.Equal(value, fast.Results[name]);
        Assert.Equal(10000, ((List<object?>)fast.Results["loss"]!).Count);
    }

    [Theory]
    [InlineData("four-class-raw")]
    [InlineData("four-class-module")]
    [InlineData("four-class-linear-sigmoid")]
    public void Four_class_fast_path_stops_at_the_step_the_tutorials_loop_diverges(string id)
    {
        string Diverge(string fast) => Assert.Throws<LessonDivergedException>(() => LessonRunner.Run(id,
            new LessonSettings { Assignments = ["alpha=10000", "iterations=200", $"fast={fast}"] })).Message;
        string message = Diverge("false");
        Assert.Equal(message, Diverge("true"));
        Assert.Contains("at step", message);
    }
}
