using TorchSharp;
using static TorchSharp.torch;

namespace Lessons.Core.Exercises;

/// <summary>000 §1: grad_w1 and grad_w2 of the two-layer ReLU net by hand, checked against autograd in float64.</summary>
public sealed class TwoLayerBackpropExercise : Exercise
{
    public override string Id => "two-layer-backprop";
    public override string LessonId => "two-layer-manual";
    public override string Task => "write grad_w1 and grad_w2 of the two-layer ReLU net by hand";
    public override IReadOnlyList<string> Hints =>
    [
        "Walk the forward pass backwards, one line at a time: each gradient has the shape of what it differentiates (grad_w2 is [H, D_out], grad_w1 is [D_in, H]).",
        "loss = sum((y_pred - y)^2) gives grad_y_pred = 2 (y_pred - y). y_pred = h_relu w2 gives grad_w2 = h_relu^T grad_y_pred and grad_h_relu = grad_y_pred w2^T. The ReLU passes the gradient where h > 0 and stops it where h < 0; then h = x w1 gives grad_w1 = x^T grad_h.",
        "var gradYPred = 2.0 * (yPred - y); var gradW2 = hRelu.t().mm(gradYPred); var gradH = gradYPred.mm(w2.t()).clone(); gradH.masked_fill_(h.lt(0), 0); return (x.t().mm(gradH), gradW2);",
    ];

    public override string WhyItWorks => """
        Each line of the forward pass is a product or an elementwise map, and the chain rule walks them
        in reverse: for Y = A B the gradient for B is A^T dY and for A it is dY B^T (the transposes make
        the shapes fit), and an elementwise map multiplies by its derivative, 0 or 1 for the ReLU. That is
        what autograd does for you in two-layer-autograd, node by node.
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
        else
        {
            // The slip seen most: the gradient carried through the ReLU as if it were not there.
            Tensor unmasked = x.t().mm((2.0 * (x.mm(w1).clamp(min: 0).mm(w2Value) - y)).mm(w2Value.t()));
            Expect.That(gradW1 is null || !gradW1.shape.SequenceEqual(unmasked.shape) || !torch.allclose(gradW1.detach().to(float64), unmasked, 1e-7, 1e-10),
                "grad_w1 is what it would be with no ReLU: the gradient passed the ReLU unmasked; zero grad_h where h < 0 (the ReLU's derivative is 0 there)");
            Expect.Close("grad_w1", gradW1, w1Leaf.grad!, "autograd's dloss/dw1");
        }
    }
}
