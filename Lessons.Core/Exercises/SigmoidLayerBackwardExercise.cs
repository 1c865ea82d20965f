using TorchSharp;
using static TorchSharp.torch;

namespace Lessons.Core.Exercises;

/// <summary>004 In[5]-In[7]: the chapter's loss, and one sigmoid layer's backward by hand; checked against autograd.</summary>
public sealed class SigmoidLayerBackwardExercise : Exercise
{
    public override string Id => "sigmoid-layer-backward";
    public override string LessonId => "four-class-raw";
    public override string Task => "one sigmoid layer's backward and the chapter's loss";
    public override IReadOnlyList<string> Hints =>
    [
        "Loss: In[6] sums over every element and divides by the number of points only. Backward: two steps, first through the sigmoid, then through X W + b.",
        "gradZ = gradA * A * (1 - A); then dL/dW = X^T gradZ, and since the one row b is added to every row of X W, dL/db is gradZ summed over the rows, keeping the row: shape [1, n_out].",
        "Loss: return (-target * torch.log(pred) - (1 - target) * torch.log(1 - pred)).sum() / pred.shape[0]; Backward: var gradZ = gradA * A * (1 - A); return (torch.matmul(X.t(), gradZ), gradZ.sum(0, keepdim: true));",
    ];

    public override string WhyItWorks => """
        The loss divides by N, not by N·K, so .mean() would be K times too small. Through the layer,
        dA/dZ = A(1 - A) elementwise, and Z = X W + b is a product plus a broadcast row: the product's
        gradient for W is X^T gradZ, and a broadcast's gradient is the sum over the copies it made, one per row.
        """;

    delegate Tensor Loss(Tensor pred, Tensor target);

    delegate (Tensor GradW, Tensor GradB) Backward(Tensor X, Tensor W, Tensor b, Tensor gradA);

    const string LossSignature = "public static Tensor Loss(Tensor pred, Tensor target)";

    const string BackwardSignature = "public static (Tensor GradW, Tensor GradB) Backward(Tensor X, Tensor W, Tensor b, Tensor gradA)";

    public override IReadOnlyList<ExerciseCheck> Checks =>
    [
        new("Loss equals In[6]'s binary cross-entropy, summed and divided by N (float64, N=6, K=4)", code =>
        {
            var loss = code.Method<Loss>("SigmoidLayer", "Loss", LossSignature);
            torch.manual_seed(0);
            var pred = torch.sigmoid(torch.randn(6, 4, float64));
            var target = torch.nn.functional.one_hot(torch.tensor(new long[] { 0, 1, 2, 3, 1, 0 }), 4).to(float64);
            // libtorch's own binary cross-entropy, summed, over the number of points.
            Tensor expected = torch.nn.functional.binary_cross_entropy(pred, target, reduction: nn.Reduction.Sum) / 6;
            Expect.Close("Loss(pred, target)", loss(pred.clone(), target.clone()), expected, "binary_cross_entropy(pred, target, sum) / N");
        }),
        new("Backward's dL/dW equals autograd's (float64, X [5, 3], W [3, 2])", code => Compare(code, weights: true)),
        new("Backward's dL/db equals autograd's, with b's shape [1, 2]", code => Compare(code, weights: false)),
    ];

    static void Compare(LearnerCode code, bool weights)
    {
        var backward = code.Method<Backward>("SigmoidLayer", "Backward", BackwardSignature);
        torch.manual_seed(1);
        var X = torch.randn(5, 3, float64);
        var W = torch.randn(3, 2, float64);
        var b = torch.randn(1, 2, float64);
        var gradA = torch.randn(5, 2, float64);

        var wLeaf = W.clone().requires_grad_();
        var bLeaf = b.clone().requires_grad_();
        torch.sigmoid(torch.matmul(X, wLeaf) + bLeaf).backward([gradA]);

        var (gradW, gradB) = backward(X.clone(), W.clone(), b.clone(), gradA.clone());
        if (weights)
        {
            Expect.Close("dL/dW", gradW, wLeaf.grad!, "autograd's dL/dW");
            return;
        }
        Expect.That(gradB is null || !gradB.shape.SequenceEqual([5L, 2L]),
            "dL/db has shape [5, 2], one row per point; b [1, 2] is added to every row, so its gradient sums the rows (sum(0, keepdim: true))");
        Expect.Close("dL/db", gradB, bLeaf.grad!, "autograd's dL/db");
    }
}
