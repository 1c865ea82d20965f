using System.Globalization;
using Lessons.Core.Autograd;
using Lessons.Core.Catalog;
using TorchSharp;
using static TorchSharp.torch;

namespace Lessons.Core.Exercises;

/// <summary>003: MyReLU's backward; checked with gradcheck, and by training the two-layer net as two-layer-autograd does.</summary>
public sealed class ReluBackwardExercise : Exercise
{
    public override string Id => "relu-backward";
    public override string LessonId => "custom-relu-function";
    public override string Task => "write MyReLU's backward";
    public override IReadOnlyList<string> Hints =>
    [
        "What is the derivative of relu(x) where x > 0, and where x < 0? backward gets dloss/doutput and must return dloss/dinput.",
        "The gradient for the input is grad_output where the saved input is positive and 0 where it is negative. Do not change grad_output itself: autograd may still use it; work on a copy.",
        "var gradInput = grad_output.clone(); gradInput.masked_fill_(input.lt(0), 0); return [gradInput];",
    ];

    public override string WhyItWorks => """
        By the chain rule dloss/dinput = dloss/doutput · drelu/dinput, and drelu/dinput is 1 where the input
        is positive and 0 where it is negative: a mask. Cloning first keeps grad_output intact for whatever
        else in the graph reads it, which is why gradcheck and the 500 training losses agree with autograd's clamp.
        """;

    public override IReadOnlyList<ExerciseCheck> Checks =>
    [
        new("backward passes gradcheck (float64, a 4x5 input away from 0)", code =>
        {
            var relu = code.Function("MyReLU");
            // The slip seen most: grad_output handed back as it came, the ReLU's mask missing.
            var probe = torch.tensor(new[] { -2.0, -0.5, 0.5, 3.0 }, requires_grad: true);
            relu(probe).backward([torch.ones(4, float64)]);
            GuardedFunction.ThrowPending();
            Expect.That(probe.grad is null || !probe.grad.eq(1).all().item<bool>(),
                "backward returns grad_output unmasked: at the negative inputs -2 and -0.5 the gradient is 1 where the ReLU's derivative is 0; zero it where input < 0");
            torch.manual_seed(0);
            var x = torch.randn(4, 5, float64);
            x = x.sign() * (x.abs() + 0.1); // ReLU has no derivative at 0: keep the finite differences off it
            GradCheckReport report = GradCheck.Run(inputs => relu(inputs[0]), [x.requires_grad_()]);
            GuardedFunction.ThrowPending();
            Expect.That(report.Passed, $"gradcheck: {report.Verdict}");
        }),
        new("backward leaves grad_output unchanged", code =>
        {
            var relu = code.Function("MyReLU");
            var x = torch.tensor(new[] { -2.0, -0.5, 0.5, 3.0 }, requires_grad: true);
            relu(x).backward([torch.tensor(new[] { 1.0, 2.0, 3.0, 4.0 })]);
            GuardedFunction.ThrowPending();
            Expect.That(!GuardedFunction.ChangedGradOutput,
                "backward changed grad_output in place; autograd may still use it: work on a copy (grad_output.clone())");
        }),
        new("training the two-layer net with MyReLU gives two-layer-autograd's 500 losses", code =>
        {
            var relu = code.Function("MyReLU");
            // The lesson itself, autograd's built-in clamp: the loss curve to follow.
            LessonRun lesson = LessonRunner.Run("two-layer-autograd", new LessonSettings());
            var expected = ((System.Collections.IEnumerable)lesson.Results["loss"]!).Cast<object>()
                .Select(v => Convert.ToDouble(v, CultureInfo.InvariantCulture)).ToList();
            Expect.Close("the loss at each step", Train(relu, expected.Count), expected, "two-layer-autograd's loss", rtol: 1e-5, atol: 1e-6);
        }),
    ];

    // The lesson's loop (seed 0, the same draws), with the learner's Function for the ReLU.
    static List<double> Train(Func<Tensor, Tensor> relu, int steps)
    {
        torch.manual_seed(0);
        var x = torch.randn(64, 1000, float32);
        var y = torch.randn(64, 10, float32);
        var w1 = torch.randn(1000, 100, float32).requires_grad_();
        var w2 = torch.randn(100, 10, float32).requires_grad_();
        var losses = new List<double>(steps);
        for (int t = 0; t < steps; t++)
        {
            using var step = NewDisposeScope();
            var loss = relu(x.mm(w1)).mm(w2).sub(y).pow(2).sum();
            losses.Add(loss.item<float>());
            loss.backward();
            GuardedFunction.ThrowPending();
            using (torch.no_grad())
            {
                w1.sub_(w1.grad! * 1e-6);
                w2.sub_(w2.grad! * 1e-6);
                w1.grad!.zero_();
                w2.grad!.zero_();
            }
        }
        return losses;
    }
}
