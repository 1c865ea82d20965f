using Lessons.Core.Catalog;
using TorchSharp;

namespace Lessons.Tests;

/// <summary>
/// What a lesson's Run leans on to read like its tutorial: Print keeps what it prints under the
/// expression that printed it, a printed label names what follows, Steps runs a training loop and
/// shows it to observers (also when the loop breaks), and item() stops a diverging lesson where the
/// loss is read.
/// </summary>
[Collection(TorchCollection.Name)]
public sealed class LessonContextTests
{
    static LessonContext Context() =>
        new(torch.CPU, seed: 0, new Dictionary<string, object>(), onLine: null, progress: null);

    [Fact]
    public void Print_keeps_each_value_under_its_expression_and_never_a_literal()
    {
        var context = Context();
        double loss = 0.25, accuracy = 0.9;
        string text = "a string value";
        context.Print(loss);
        context.Print("accuracy:", accuracy);
        context.Print("x", text);   // a string among the values is a value, never a name
        context.Print(loss * 2);
        context.Print(Math.Abs(loss));   // a helper's call names nothing
        Assert.Equal(["0.25", "accuracy: 0.9", "x a string value", "0.5", "0.25"], context.Transcript);
        Assert.Equal(0.25, context.Results["loss"]);
        Assert.Equal(0.9, context.Results["accuracy"]);
        Assert.Equal("a string value", context.Results["text"]);
        Assert.False(context.Results.ContainsKey("loss * 2"));
        Assert.False(context.Results.ContainsKey("Math.Abs(loss)"));
        Assert.False(context.Results.ContainsKey("x"));
        Assert.DoesNotContain(context.Results.Keys, k => k.StartsWith('"'));
    }

    [Fact]
    public void A_label_names_the_values_after_it_and_a_recorded_name_wins()
    {
        var context = Context();
        bool a = true, b = false;
        context.Print("is_leaf:\n", a, b);
        context.Print("points per class:", 200L);
        context.Print("with a.retain_grad(), a.grad:", 2.0);   // not a name: a comma
        Assert.Equal(new List<object?> { true, false }, context.Results["is_leaf"]);
        Assert.Equal(200L, context.Results["points per class"]);
        Assert.DoesNotContain(context.Results.Keys, k => k.Contains(','));

        context.Record("a", "recorded");
        context.Print(a);
        Assert.Equal("recorded", context.Results["a"]);
    }

    [Fact]
    public void Keep_names_values_like_print_without_printing_and_refuses_an_expression()
    {
        var context = Context();
        double dy2_dy1 = 2, dy1_dw1 = 1;
        context.Keep(dy2_dy1, dy1_dw1);
        Assert.Empty(context.Transcript);
        Assert.Equal(2.0, context.Results["dy2_dy1"]);
        Assert.Throws<ArgumentException>(() => context.Keep(dy2_dy1 * dy1_dw1));
    }

    sealed class Watcher : IStepObserver
    {
        public readonly List<long> Steps = [];
        public int Ends;
        public void Step(long step) => Steps.Add(step);
        public void End() => Ends++;
    }

    [Fact]
    public void Steps_shows_each_step_to_the_observer_once_and_ends_it_also_at_a_break()
    {
        var context = Context();
        var watcher = new Watcher();
        context.Observe(watcher);
        foreach (int i in context.Steps(10))
        {
            Assert.Equal(i, context.Step);
            if (i == 3) break;
        }
        Assert.Equal(new long[] { 0, 1, 2, 3 }, watcher.Steps);
        Assert.Equal(1, watcher.Ends);
        Assert.Null(context.Step);
        // An observer watches one loop: the next loop runs without it.
        foreach (int i in context.Steps(2)) { }
        Assert.Equal(4, watcher.Steps.Count);
    }

    [Fact]
    public void Item_stops_a_diverging_loop_naming_the_tensor_and_the_step()
    {
        var context = Context();
        using var enter = context.Enter();
        var L = torch.tensor(float.PositiveInfinity);
        Assert.Equal(double.PositiveInfinity, L.item());   // outside a loop: a value like any other
        var error = Assert.Throws<LessonDivergedException>(() =>
        {
            foreach (int i in context.Steps(5))
                if (i == 2) L.item();
        });
        Assert.Equal("L became inf at step 2: training diverged; lower lr", error.Message);
    }
}
