using TorchSharp;
using static TorchSharp.torch;

namespace Lessons.Core.Exercises;

/// <summary>001 §3: an in-place update of a leaf that requires grad, made legal (torch.no_grad()).</summary>
public sealed class InplaceLeafExercise : Exercise
{
    public override string Id => "inplace-leaf";
    public override string LessonId => "inplace-ops";
    public override string Task => "make an in-place update of a leaf legal";
    public override IReadOnlyList<string> Hints =>
    [
        "Autograd refuses because the change would be recorded on a leaf it must keep. Is the update part of the model?",
        "The update is not part of the model: run it where autograd records nothing (a torch.no_grad() block), and change w itself there with an in-place method, not with -= (which makes a new tensor in C#).",
        "using (torch.no_grad()) w.sub_(w.grad! * learningRate);",
    ];

    public override string WhyItWorks => """
        Under torch.no_grad() autograd records nothing, so the in-place change of a leaf is allowed: it is
        not part of any graph. sub_ writes into w's own memory, so the caller's tensor moves, stays a leaf
        and still requires grad for the next pass; `w -= ...` would have bound a new tensor to the local name.
        """;

    delegate void Step(Tensor w, double learningRate);

    const string Signature = "public static void Step(Tensor w, double learningRate)";

    public override IReadOnlyList<ExerciseCheck> Checks =>
    [
        new("Step changes the caller's w in place to w - lr * w.grad", code =>
        {
            var (w, before, expected) = Prepared();
            code.Method<Step>("InplaceLeaf", "Step", Signature)(w, 0.1);
            Expect.That(!w.detach().eq(before).all().item<bool>(),
                "w did not change: in C#, `w -= ...` and `w = w - ...` make a new tensor and leave the caller's w as it was; change w itself (sub_)");
            Expect.That(!torch.allclose(w.detach(), before + 0.1 * 2 * before),
                "w moved up the gradient, to w + lr * w.grad: add_ where the step subtracts (sub_); gradient descent goes against the gradient");
            Expect.Close("w after Step", w, expected, "w - 0.1 * w.grad");
        }),
        new("w is still a leaf that requires grad: the update is in no graph", code =>
        {
            var (w, _, _) = Prepared();
            code.Method<Step>("InplaceLeaf", "Step", Signature)(w, 0.1);
            Expect.That(w.requires_grad, "w no longer requires grad: keep requires_grad and keep the update out of the graph instead");
            Expect.That(w.is_leaf, "w is no longer a leaf: the update was recorded in the graph; run it under torch.no_grad()");
        }),
    ];

    // w = [1, 2, 3] requiring grad, with w.grad = d(sum w^2)/dw = 2w from backward.
    static (Tensor W, Tensor Before, Tensor Expected) Prepared()
    {
        var w = torch.tensor(new[] { 1.0, 2.0, 3.0 }, requires_grad: true);
        w.pow(2).sum().backward();
        Tensor before = w.detach().clone();
        return (w, before, before - 0.1 * 2 * before);
    }
}
