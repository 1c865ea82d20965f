namespace Lessons.Core.Exercises;

/// <summary>001 §3: zero the gradient at every step; checked against the tutorial's printed w.grad.</summary>
public sealed class GradAccumulationExercise : Exercise
{
    public override string Id => "grad-accumulation";
    public override string LessonId => "grad-accumulation";
    public override string Task => "make each step's gradient fresh";
    public override IReadOnlyList<string> Hints =>
    [
        "Print w.grad after each pass without changing anything: the numbers grow. Where does backward put its result?",
        "backward adds its gradient to w.grad instead of replacing it, so a fresh pass needs w.grad emptied in place after it is read: what optimizer.zero_grad() does for every parameter.",
        "After seen.Add(...): w.grad.zero_();",
    ];

    public override string WhyItWorks => """
        backward accumulates: it adds dy/dw to whatever w.grad holds, so that a value used in several places
        (w in w + x and in w + 1) gets the sum of its contributions. Across passes that sum is unwanted,
        and zero_() empties the gradient in place, the same tensor, so each pass reads its own 5.
        """;

    delegate List<double> GradientEachStep(int steps);

    const string Signature = "public static List<double> GradientEachStep(int steps)";

    /// <summary>001 §3 "1. 梯度不自动清零": "# 若清零了,tensor([5.]) tensor([5.]) tensor([5.]) tensor([5.])" (data/expected/grad-accumulation.json).</summary>
    public static readonly IReadOnlyList<double> TutorialWithZeroGrad = [5.0, 5.0, 5.0, 5.0];

    public override IReadOnlyList<ExerciseCheck> Checks =>
    [
        new("w.grad is tensor([5.]) at each of 4 passes, as the tutorial prints with zero_()", code =>
            Expect.Close("w.grad after each pass", code.Method<GradientEachStep>("GradAccumulation", "GradientEachStep", Signature)(4),
                TutorialWithZeroGrad, "the tutorial's tensor([5.]) at every pass (001 §3)")),
        // dy/dw = 2w + x + 1 = 5 at w = 1, x = 2, however many passes.
        new("it stays 5 over 10 passes", code =>
            Expect.Close("w.grad after each pass", code.Method<GradientEachStep>("GradAccumulation", "GradientEachStep", Signature)(10),
                Enumerable.Repeat(5.0, 10).ToList(), "dy/dw = 2w + x + 1 = 5 at every pass")),
    ];
}
