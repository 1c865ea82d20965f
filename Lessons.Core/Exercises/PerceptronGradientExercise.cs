using Microsoft.CodeAnalysis.CSharp.Syntax;
using TorchSharp;
using static TorchSharp.torch;

namespace Lessons.Core.Exercises;

/// <summary>002: the single-output perceptron's dloss/dw derived by hand, checked against autograd's w.grad.</summary>
public sealed class PerceptronGradientExercise : Exercise
{
    public override string Id => "perceptron-gradient";
    public override string LessonId => "perceptron-single";
    public override string Task => "derive the single-layer perceptron's gradient by hand";
    public override IReadOnlyList<string> Hints =>
    [
        "Three functions are chained: the loss of o, the sigmoid of z, and z = x w^T. Write the derivative of each on its own.",
        "dloss/do = -2 (1 - o); do/dz = o (1 - o); dz/dw = x. Multiply the three: o is [1, 1] and broadcasts over x's [1, n].",
        "return -2 * (1 - o) * o * (1 - o) * x;",
    ];

    public override string WhyItWorks => """
        The chain rule multiplies local derivatives: dloss/dw = dloss/do · do/dz · dz/dw. The sigmoid's
        derivative is sigmoid(z)(1 - sigmoid(z)) = o(1 - o), and z = x w^T is linear in w with slope x, so
        the gradient has w's shape [1, n], as autograd's w.grad.
        """;

    delegate Tensor Gradient(Tensor x, Tensor w);

    const string Signature = "public static Tensor Gradient(Tensor x, Tensor w)";

    public override IReadOnlyList<ExerciseCheck> Checks =>
    [
        new("equals autograd's w.grad for x, w of shape [1, 10] (float64)", code => Compare(code, seed: 0, features: 10)),
        new("equals autograd's w.grad for five other draws of shape [1, 4]", code =>
        {
            for (int seed = 1; seed <= 5; seed++) Compare(code, seed, features: 4);
        }),
        new("is derived by hand: Gradient calls neither backward nor autograd.grad", code =>
        {
            MethodDeclarationSyntax? method = code.MethodSyntax("PerceptronGradient", "Gradient");
            var calls = method?.DescendantNodes().OfType<InvocationExpressionSyntax>()
                .Select(c => c.Expression switch
                {
                    MemberAccessExpressionSyntax member => member.Name.Identifier.Text,
                    IdentifierNameSyntax name => name.Identifier.Text,
                    _ => "",
                }) ?? [];
            string? autograd = calls.FirstOrDefault(name => name is "backward" or "grad");
            Expect.That(autograd is null, $"Gradient calls {autograd}(): that is autograd doing the derivation; write the chain rule's factors yourself");
        }),
    ];

    static void Compare(LearnerCode code, int seed, int features)
    {
        var gradient = code.Method<Gradient>("PerceptronGradient", "Gradient", Signature);
        torch.manual_seed(seed);
        var x = torch.randn(1, features, float64);
        var w = torch.randn(1, features, float64);

        // autograd's w.grad, as the lesson (and the tutorial) gets it: mse_loss(ones, o) = (1 - o)^2.
        var leaf = w.clone().requires_grad_();
        var o = torch.sigmoid(x.matmul(leaf.t()));
        torch.nn.functional.mse_loss(torch.ones(1, 1, float64), o).backward();

        Expect.Close("Gradient(x, w)", gradient(x.clone(), w.clone()), leaf.grad!, "autograd's w.grad");
    }
}
