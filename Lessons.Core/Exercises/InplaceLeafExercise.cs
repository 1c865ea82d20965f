using TorchSharp;
using static TorchSharp.torch;

namespace Lessons.Core.Exercises;

/// <summary>001 §3: an in-place update of a leaf that requires grad, made legal (torch.no_grad()).</summary>
public sealed class InplaceLeafExercise : Exercise
{
    public override string Id => "inplace-leaf";
    public override string LessonId => "inplace-ops";
    public override string Task => "make an in-place update of a leaf legal";
    public override string Hint => """
        Autograd refuses the in-place change because it would be recorded on a leaf it must keep.
        The update is not part of the model: run it where autograd records nothing,
        using (torch.no_grad()) { ... }, and change w in place there with sub_.
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
