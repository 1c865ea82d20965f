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
}
