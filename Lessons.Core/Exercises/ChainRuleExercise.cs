using Microsoft.CodeAnalysis.CSharp.Syntax;
using TorchSharp;
using static TorchSharp.torch;

namespace Lessons.Core.Exercises;

/// <summary>002: dy2/dw1 as dy2/dy1 · dy1/dw1, each with autograd.grad; checked against the tutorial's tensor(2.) and autograd's direct gradient.</summary>
public sealed class ChainRuleExercise : Exercise
{
    public override string Id => "chain-rule";
    public override string LessonId => "chain-rule";
    public override string Task => "dy2/dw1 from dy2/dy1 and dy1/dw1 with autograd.grad";
    public override IReadOnlyList<string> Hints =>
    [
        "torch.autograd.grad(outputs, inputs) returns a list of gradients; you need two of them, one per link of the chain.",
        "dy2/dy1 is grad([y2], [y1])[0] and dy1/dw1 is grad([y1], [w1])[0]; multiply them. A graph is freed after it is differentiated: the first call needs retain_graph: true when a later one goes through the same nodes.",
        "var dy2Dy1 = torch.autograd.grad([y2], [y1], retain_graph: true)[0]; var dy1Dw1 = torch.autograd.grad([y1], [w1], retain_graph: true)[0]; return dy2Dy1 * dy1Dw1;",
    ];

    public override string WhyItWorks => """
        y2 depends on w1 only through y1, so dy2/dw1 = dy2/dy1 · dy1/dw1 = w2 · x: 2 at the tutorial's
        values, the same number autograd gives directly. retain_graph keeps the saved values of the graph
        after the first grad, so the next call can walk the same nodes again.
        """;

    delegate Tensor Chained(Tensor x, Tensor w1, Tensor b1, Tensor w2, Tensor b2);

    const string Signature = "public static Tensor Chained(Tensor x, Tensor w1, Tensor b1, Tensor w2, Tensor b2)";

    /// <summary>002 取中间层将不能直接求导的,间接形成链子进行求导: print(l) # tensor(2.) (data/expected/chain-rule.json, "l").</summary>
    public const float TutorialL = 2f;

    public override IReadOnlyList<ExerciseCheck> Checks =>
    [
        new("at the tutorial's x=1, w1=2, b1=1, w2=2, b2=1 it is tensor(2.)", code =>
        {
            var chained = code.Method<Chained>("ChainRule", "Chained", Signature);
            Tensor got = chained(torch.tensor(1f), torch.tensor(2f, requires_grad: true), torch.tensor(1f),
                torch.tensor(2f, requires_grad: true), torch.tensor(1f));
            Expect.Close("Chained(1, 2, 1, 2, 1)", got, torch.tensor(TutorialL), "the tutorial's l = tensor(2.)");
        }),
        new("equals autograd's direct dy2/dw1 at x=3, w1=-1.5, b1=0.5, w2=0.25, b2=4", code =>
        {
            var chained = code.Method<Chained>("ChainRule", "Chained", Signature);
            Tensor Leaf(double v) => torch.tensor(v, float64, requires_grad: true);
            Tensor x = torch.tensor(3.0, float64), b1 = torch.tensor(0.5, float64), b2 = torch.tensor(4.0, float64);
            Tensor w1 = Leaf(-1.5), w2 = Leaf(0.25);
            Tensor direct = torch.autograd.grad([(x * w1 + b1) * w2 + b2], [w1])[0];
            Expect.Close("Chained(3, -1.5, 0.5, 0.25, 4)", chained(x, Leaf(-1.5), b1, Leaf(0.25), b2), direct, "autograd's dy2/dw1");
        }),
        new("takes both factors with torch.autograd.grad", code =>
        {
            int calls = code.MethodSyntax("ChainRule", "Chained")?.DescendantNodes().OfType<InvocationExpressionSyntax>()
                .Count(c => c.Expression is MemberAccessExpressionSyntax { Name.Identifier.Text: "grad" } or IdentifierNameSyntax { Identifier.Text: "grad" }) ?? 0;
            Expect.That(calls >= 2, $"Chained calls torch.autograd.grad {calls} time{(calls == 1 ? "" : "s")}; take dy2/dy1 and dy1/dw1 each with it, then multiply");
        }),
    ];
}
