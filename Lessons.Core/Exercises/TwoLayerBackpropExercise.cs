using TorchSharp;
using static TorchSharp.torch;

namespace Lessons.Core.Exercises;

/// <summary>000 §1: grad_w1 and grad_w2 of the two-layer ReLU net by hand, checked against autograd in float64.</summary>
public sealed class TwoLayerBackpropExercise : Exercise
{
    public override string Id => "two-layer-backprop";
    public override string LessonId => "two-layer-manual";
    public override string Task => "write grad_w1 and grad_w2 of the two-layer ReLU net by hand";
    public override string Hint => """
        Walk the forward pass backwards. loss = sum((y_pred - y)^2) gives grad_y_pred = 2 (y_pred - y).
        y_pred = h_relu.mm(w2) gives grad_w2 = h_relu^T grad_y_pred and grad_h_relu = grad_y_pred w2^T.
        The ReLU passes the gradient where h > 0 and stops it where h < 0 (clone, then masked_fill_);
        then h = x.mm(w1) gives grad_w1 = x^T grad_h. Each gradient has the shape of what it differentiates.
        """;

    delegate (Tensor GradW1, Tensor GradW2) Gradients(Tensor x, Tensor y, Tensor w1, Tensor w2);

    const string Signature = "public static (Tensor GradW1, Tensor GradW2) Gradients(Tensor x, Tensor y, Tensor w1, Tensor w2)";

    public override IReadOnlyList<ExerciseCheck> Checks =>
    [
        new("grad_w2 equals autograd's dloss/dw2 (float64, N=8, D_in=5, H=4, D_out=3)", code => Compare(code, 8, 5, 4, 3, w2: true)),
        new("grad_w1 equals autograd's dloss/dw1 (float64, N=8, D_in=5, H=4, D_out=3)", code => Compare(code, 8, 5, 4, 3, w2: false)),
        new("both equal autograd's at the tutorial's sizes (N=64, D_in=1000, H=100, D_out=10)", code =>
        {
            Compare(code, 64, 1000, 100, 10, w2: true);
            Compare(code, 64, 1000, 100, 10, w2: false);
        }),
    ];

    static void Compare(LearnerCode code, int n, int dIn, int h, int dOut, bool w2)
    {
        var gradients = code.Method<Gradients>("TwoLayerBackprop", "Gradients", Signature);
        torch.manual_seed(0);
        var x = torch.randn(n, dIn, float64);
        var y = torch.randn(n, dOut, float64);
        var w1 = torch.randn(dIn, h, float64);
        var w2Value = torch.randn(h, dOut, float64);

        // autograd's answer, on copies that require grad.
        var w1Leaf = w1.clone().requires_grad_();
        var w2Leaf = w2Value.clone().requires_grad_();
        x.mm(w1Leaf).clamp(min: 0).mm(w2Leaf).sub(y).pow(2).sum().backward();

        // The learner's, on copies they may not change behind our back.
        var (gradW1, gradW2) = gradients(x.clone(), y.clone(), w1.clone(), w2Value.clone());
        if (w2) Expect.Close("grad_w2", gradW2, w2Leaf.grad!, "autograd's dloss/dw2");
        else Expect.Close("grad_w1", gradW1, w1Leaf.grad!, "autograd's dloss/dw1");
    }
}
